"""The custom actions. Each is thin: read slots, call the flow function the WhatsApp path uses."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from flows import layanan, status, usulan
from flows.effects import Handoff
from flows.engine import Step, say
from flows.jadwal import schedule_cards
from flows.visit_card import visit_card
from flows.places import desa_candidates, which_desa
from handlers.rasa_actions.unit import BadSender, resident_unit, utter


def _slot(tracker: Tracker, name: str) -> str | None:
    value = tracker.get_slot(name)
    return str(value).strip() if value not in (None, "") else None


class _ResidentAction(Action, ABC):
    """Runs `act` inside one resident's unit of work; a sender id that is no phone gets a clear answer."""

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        try:
            with resident_unit(tracker) as unit:
                if unit.screened(tracker.latest_message or {}, dispatcher):
                    return []
                return self.act(unit, dispatcher, tracker)
        except BadSender:
            utter(dispatcher, [say("rasa.bad_sender")])
            return []

    @abstractmethod
    def act(self, unit, dispatcher, tracker) -> list[dict[str, Any]]:
        """The action's work inside the unit; returns Rasa events."""


class ActionNextVisit(_ResidentAction):
    def name(self) -> str:
        return "action_next_visit"

    def act(self, unit, dispatcher, tracker):
        kecamatan = _slot(tracker, "kecamatan")
        if kecamatan:
            found = unit.nlu.match_kecamatan(kecamatan)
            kecamatan = found.name if found and found.certain else None
        kecamatan = kecamatan or (unit.ctx.resident.kecamatan.nama if unit.ctx.resident.kecamatan else None)
        if kecamatan:  # the schedule's truth, as the WhatsApp flow tells it (changes first)
            cards = schedule_cards(unit.facts.next_visit_to(kecamatan))
            utter(dispatcher, cards or [say("jadwal.none_for_kecamatan", kecamatan=kecamatan,
                                            options=[say("opt.remind_me")])])
            return [SlotSet("kecamatan", kecamatan)] if cards else []
        visits = unit.facts.next_visits(None, limit=2)
        if not visits:
            utter(dispatcher, [say("jadwal.none_at_all")])
            return []
        utter(dispatcher, [visit_card(v) for v in visits])
        return [SlotSet("kecamatan", visits[0].kecamatan)]


class ActionRegisterService(_ResidentAction):
    def name(self) -> str:
        return "action_register_service"

    def act(self, unit, dispatcher, tracker):
        key, kecamatan, desa, nama = (_slot(tracker, s) for s in ("layanan", "kecamatan", "desa", "nama"))
        if not (key and kecamatan and desa and nama):
            utter(dispatcher, [say("rasa.missing_slots")])
            return []
        visits = [v for v in unit.facts.next_visits(kecamatan, limit=3) if v.status == "planned"]
        if not visits:
            utter(dispatcher, [say("layanan.no_visit_here", kecamatan=kecamatan)])
            return []
        results = unit.finish(layanan.registered(unit.facts, {
            "layanan": key, "visit_id": visits[0].id, "nama": nama, "desa": desa, "desa_kecamatan": kecamatan,
        }), dispatcher)
        return [SlotSet("kode", results["kode"])]


class ActionSubmitProposal(_ResidentAction):
    def name(self) -> str:
        return "action_submit_proposal"

    def act(self, unit, dispatcher, tracker):
        kategori = unit.nlu.match_kategori(_slot(tracker, "kategori") or "") or _slot(tracker, "kategori")
        desa, deskripsi = _slot(tracker, "desa"), _slot(tracker, "deskripsi")
        if kategori not in usulan.KATEGORI or not desa or not deskripsi:
            utter(dispatcher, [say("rasa.missing_slots")])
            return []
        candidates = desa_candidates(unit.nlu, desa, _slot(tracker, "kecamatan"))
        if len(candidates) != 1:
            utter(dispatcher, [which_desa(candidates) if candidates else say("places.desa_not_found")])
            return [SlotSet("desa", None)]
        (desa_name, kecamatan), = candidates
        results = unit.finish(usulan.submitted({"kategori": kategori, "desa": desa_name, "desa_kecamatan": kecamatan,
                                                "deskripsi": deskripsi}), dispatcher)
        return [SlotSet("kode", results["kode"])]


class ActionCheckStatus(_ResidentAction):
    def name(self) -> str:
        return "action_check_status"

    def act(self, unit, dispatcher, tracker):
        unit.finish(status.start_with(unit.facts, _slot(tracker, "kode")), dispatcher)
        return []


class ActionHandoff(_ResidentAction):
    def name(self) -> str:
        return "action_handoff"

    def act(self, unit, dispatcher, tracker):
        text = (tracker.latest_message or {}).get("text") or ""
        unit.finish(Step(effects=[Handoff(layanan=_slot(tracker, "layanan"), kode=_slot(tracker, "kode"),
                                          last_message=text[:300])]), dispatcher)
        return []
