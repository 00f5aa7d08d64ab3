"""validate_service_form: each slot checked with the project's own recogniser and gazetteer.
A rejected value comes back as None with an Indonesian message, as rasa-sdk forms expect."""

from __future__ import annotations

from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher

from flows.engine import say
from flows.layanan import strip_nik
from flows.person import read_person
from flows.places import desa_candidates, desa_not_found, which_desa
from handlers.rasa_actions.unit import runtime, utter
from storage import reference

SERVICE_KEYS = {lay.key for lay in reference.layanan()}


class ValidateServiceForm(FormValidationAction):
    def name(self) -> str:
        return "validate_service_form"

    @property
    def nlu(self):
        return runtime().recogniser

    def validate_layanan(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict):
        text = str(value or "").strip()
        key = text if text in SERVICE_KEYS else self.nlu.match_layanan(text)
        if key is None:
            utter(dispatcher, [say("rasa.layanan_invalid")])
        return {"layanan": key}

    def validate_kecamatan(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict):
        found = self.nlu.match_kecamatan(str(value or ""))
        if found is None:
            utter(dispatcher, [say("layanan.kecamatan_unknown")])
            return {"kecamatan": None}
        if not found.certain:
            utter(dispatcher, [say("rasa.kecamatan_unsure", kecamatan=found.name)])
            return {"kecamatan": None}
        return {"kecamatan": found.name}

    def validate_desa(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict):
        kecamatan = tracker.get_slot("kecamatan")
        candidates = desa_candidates(self.nlu, str(value or ""), kecamatan)
        if len(candidates) == 1:
            return {"desa": candidates[0][0]}
        utter(dispatcher, [which_desa(candidates) if candidates else desa_not_found(self.nlu, kecamatan)])
        return {"desa": None}

    def validate_nama(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict):
        name, nik = strip_nik(str(value or "").strip())
        if nik:
            utter(dispatcher, [say("layanan.nik_not_needed")])
        person = read_person(name).name  # "nama anakku Raka" → Raka; a sentence or digits are no name
        if person is None:
            utter(dispatcher, [say("layanan.name_invalid")])
            return {"nama": None}
        return {"nama": person[:120]}
