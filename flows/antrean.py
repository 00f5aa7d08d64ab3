"""antrean — at the vehicle on the day: check in for a number, or ask how long each queue is.

Pure: what the day looks like comes from `turn.facts.antrean_today()` (the handler reads it from the
database), the clock is `turn.now`, and the number itself is handed out by the `queue_check_in`
effect in the handler's transaction.
"""

from __future__ import annotations

from typing import Any, Sequence

from flows.effects import QueueCheckIn
from flows.engine import Ask, Bullets, Flow, Say, Step, Turn, say, unhandled
from flows.facts import AntreanDay, QueuePlace, Stand, TodayVisit, VisitView
from flows.antrean_intent import entry_intent, is_question, recognised, spaced_words
from flows.person import read_person
from flows.visit_card import visit_card


class S:
    CHOOSE_VISIT = "choose_visit"
    CHOOSE_OPD = "choose_opd"
    ASK_NAME = "ask_name"


def start(turn: Turn) -> Step:
    day = turn.facts.antrean_today()
    if is_question(turn.text):
        return _queue_answer(turn, day)
    return _check_in(turn, day)


def _check_in(turn: Turn, day: AntreanDay) -> Step:
    open_visits = [v for v in day.visits if v.is_open(turn.now)]
    if not open_visits:
        return _outside_hours(turn, day)
    for visit in open_visits:
        if visit.tickets:
            return _number_for_tickets(visit)
    if len(open_visits) > 1:
        here = [v for v in open_visits if v.kecamatan == turn.resident.kecamatan]
        if len(here) != 1:
            return Step([say("antrean.choose_visit", options=[
                say("antrean.visit_option", kecamatan=v.kecamatan, lokasi=v.lokasi) for v in open_visits])],
                S.CHOOSE_VISIT, {"visit_ids": [v.id for v in open_visits]})
        open_visits = here
    return _offer_walk_in(turn, open_visits[0])


def _number_for_tickets(visit: TodayVisit) -> Step:
    """One number per dinas: two tickets at one stand share a place in its line."""
    per_opd: dict[str, str] = {}
    for t in visit.tickets:
        per_opd.setdefault(t.opd.key, t.kode)
    return Step([], None, effects=[QueueCheckIn(visit_id=visit.id, tickets=tuple(per_opd.values()))])


def _offer_walk_in(turn: Turn, visit: TodayVisit) -> Step:
    stands = visit.stands
    wanted = _opd_in(turn, stands)
    slots = {"visit_id": visit.id, "opd_keys": [s.opd.key for s in stands]}
    if wanted:
        return _ask_name(turn, {**slots, "opd_key": wanted})
    return Step([say("antrean.walk_in_offer", kecamatan=visit.kecamatan, options=[s.opd.singkatan for s in stands])],
                S.CHOOSE_OPD, slots)


def _opd_in(turn: Turn, stands: Sequence[Stand]) -> str | None:
    """The dinas the resident named ("hadir dispendukcapil", "antri ktp"), if it has a stand."""
    keys = {s.opd.key for s in stands}
    key = turn.entities.get("opd")
    if key is None and turn.entities.get("layanan"):
        lay = turn.facts.layanan(turn.entities["layanan"])
        key = lay.opd.key if lay else None
    if key is None:
        words = spaced_words(turn.text)
        key = next((s.opd.key for s in stands if f" {s.opd.singkatan.casefold()} " in words
                    or f" {s.opd.key} " in words), None)
    return key if key in keys else None


def _asked_afresh(turn: Turn) -> bool:
    """"hadir" again, or a queue question, while we wait for an answer: start over with it."""
    return turn.choice is None and (turn.intent == "antrean" or recognised(turn.text))


def choose_visit(turn: Turn) -> Step:
    if _asked_afresh(turn):
        return start(turn)
    ids = turn.slots.get("visit_ids") or []
    if turn.choice is None or not 1 <= turn.choice <= len(ids):
        return unhandled(say("common.choose_number", n=len(ids)), state=S.CHOOSE_VISIT)
    day = turn.facts.antrean_today()
    visit = next((v for v in day.visits if v.id == ids[turn.choice - 1]), None)
    if visit is None or not visit.is_open(turn.now):
        return _outside_hours(turn, day)
    if visit.tickets:
        return _number_for_tickets(visit)
    return _offer_walk_in(turn, visit)


def _question_meanwhile(turn: Turn) -> bool:
    return turn.choice is None and is_question(turn.text)


def _answer_then_ask(turn: Turn, again: Say, state: str) -> Step:
    """A queue question in the middle of a walk-in: answer it, then ask again where we were."""
    answer = _queue_answer(turn, turn.facts.antrean_today(), hint=False)
    return Step([*answer.replies, again], state, dict(turn.slots))


def choose_opd(turn: Turn) -> Step:
    keys = turn.slots.get("opd_keys") or []
    if _question_meanwhile(turn):
        return _answer_then_ask(turn, say("antrean.choose_opd_again", n=len(keys)), S.CHOOSE_OPD)
    if _asked_afresh(turn) and _opd_in_slots(turn) is None:
        return start(turn)
    key = None
    if turn.choice is not None and 1 <= turn.choice <= len(keys):
        key = keys[turn.choice - 1]
    elif turn.choice is None:
        key = _opd_in_slots(turn)
    if key is None:
        return unhandled(say("antrean.choose_opd_again", n=len(keys)), state=S.CHOOSE_OPD)
    return _ask_name(turn, {**turn.slots, "opd_key": key})


def _opd_in_slots(turn: Turn) -> str | None:
    day = turn.facts.antrean_today()
    visit = next((v for v in day.visits if v.id == turn.slots.get("visit_id")), None)
    return _opd_in(turn, visit.stands) if visit else None


def _ask_name(turn: Turn, slots: dict[str, Any]) -> Step:
    offer = turn.resident.name or turn.resident.profile_name
    if offer:
        return Step([say("antrean.ask_name_offer", name=offer)], S.ASK_NAME, {**slots, "name_offer": offer})
    return Step([say("antrean.ask_name")], S.ASK_NAME, slots)


def ask_name(turn: Turn) -> Step:
    if _question_meanwhile(turn):
        offer = turn.slots.get("name_offer")
        again = say("antrean.ask_name_offer", name=offer) if offer else say("antrean.ask_name")
        return _answer_then_ask(turn, again, S.ASK_NAME)
    if _asked_afresh(turn):
        return start(turn)
    relasi, holder = turn.slots.get("relasi"), turn.slots.get("holder_nama")
    if turn.choice == 1 and turn.slots.get("name_offer") and not relasi:
        name = turn.slots["name_offer"]
    else:
        if turn.choice is not None:
            return unhandled(say("antrean.name_invalid"), state=S.ASK_NAME)
        # The same reading as the registration's (flows/person.py): "nama anakku Raka", "asmanipun ibu kula
        # Tuminah", "kula Slamet, badhe ndaftaraken bapak kula" — the name, never the sentence.
        answer = read_person(turn.text)
        relasi = answer.relation or relasi
        holder = answer.holder or holder
        name = answer.name
        if name is None and answer.self_ and not answer.relation and turn.slots.get("name_offer"):
            name, relasi = turn.slots["name_offer"], None  # "aku dewe": the name offered
        if name is None:
            if answer.relation or answer.age is not None:
                # "untuk bapak saya": whom it is for, not yet the name.
                return Step([say("layanan.ask_name_for", who=say(f"relasi.{relasi}") if relasi else say("relasi.anda"))],
                            S.ASK_NAME, {**{k: v for k, v in turn.slots.items() if k != "name_offer"},
                                         "relasi": relasi, "holder_nama": holder})
            return unhandled(say("antrean.name_invalid"), state=S.ASK_NAME)
    return Step([], None, effects=[QueueCheckIn(visit_id=turn.slots["visit_id"], walk_in_opd=turn.slots["opd_key"],
                                                nama=name[:120], relasi=relasi,
                                                holder_nama=holder if relasi else None)])


def _outside_hours(turn: Turn, day: AntreanDay, lead: Say | None = None) -> Step:
    replies = [lead] if lead else []
    later_today = [v for v in day.visits if turn.now < v.checkin_from]
    if later_today:
        v = later_today[0]
        return Step([*replies, say("antrean.not_open_yet", kecamatan=v.kecamatan, buka=v.buka_text,
                                   jam=v.jam_text, lokasi=v.lokasi)], None)
    if day.visits:
        v = day.visits[0]
        replies.append(say("antrean.closed_today", kecamatan=v.kecamatan, jam=v.jam_text))
    elif lead is None:
        replies.append(say("antrean.no_visit_today"))
    ticket = day.upcoming_ticket
    if ticket:
        replies.append(say("antrean.your_ticket_visit", kode=ticket.kode, opd=ticket.opd.singkatan,
                           tanggal=ticket.tanggal_text, jam=ticket.jam_text, lokasi=ticket.lokasi))
    elif day.next_visit:
        replies.append(say("antrean.next_visit", card=visit_card(day.next_visit)))
    else:
        replies.append(say("antrean.none_planned"))
    return Step(replies, None)


def wait_line(place: QueuePlace) -> Say:
    """How long until a waiting number's turn (also the handler's check-in reply)."""
    if place.ahead == 0:
        return say("antrean.next_up")
    return say("antrean.ahead", ahead=place.ahead, minutes=place.minutes)


def place_line(place: QueuePlace) -> Say:
    """Where one of the resident's numbers stands now (also used by the handler's replies)."""
    opd = place.opd.singkatan
    if place.status == "called":
        return say("antrean.called_now", label=place.label, opd=opd)
    if place.status == "served":
        return say("antrean.already_served", label=place.label, opd=opd)
    if place.status == "skipped":
        return say("antrean.skipped", label=place.label, opd=opd, rejoin=say(
            "antrean.skipped_rejoin" if place.may_rejoin else "antrean.skipped_final", opd=opd))
    return say("antrean.your_place", label=place.label, opd=opd, wait=wait_line(place))


def _queue_answer(turn: Turn, day: AntreanDay, hint: bool = True) -> Step:
    open_visits = [v for v in day.visits if v.is_open(turn.now)]
    if not open_visits:
        return _outside_hours(turn, day, lead=say("antrean.no_queue_now"))
    replies: list[Say] = []
    for visit in open_visits:
        asked = _opd_in(turn, visit.stands)
        named = turn.entities.get("opd")
        if asked is None and named:
            replies.append(say("antrean.opd_not_here", opd=day.opd_name(named), kecamatan=visit.kecamatan))
            continue
        replies.append(_stands(visit, asked))
        replies.extend(place_line(p) for p in visit.places)
        if not visit.places and hint:
            replies.append(say("antrean.take_number_hint"))
    return Step(replies, None)


def _stands(visit: TodayVisit, asked: str | None = None) -> Say:
    """Each stand's line and wait (only the one asked about, or those with a queue)."""
    stands = visit.stands
    shown = [s for s in stands if s.opd.key == asked] if asked else [
        s for s in stands if s.waiting or s.serving_label]
    if not shown:
        return say("antrean.all_empty", kecamatan=visit.kecamatan, lokasi=visit.lokasi)
    lines = [_stand_line(s) for s in shown]
    if not asked and len(shown) < len(stands):
        lines.append(say("antrean.others_empty"))
    return say("antrean.stands", kecamatan=visit.kecamatan, lines=Bullets(lines))


def on_the_day(turn: Turn, visit: VisitView) -> list[Say]:
    """For the schedule answer: on the day, while the visit is open, how long each queue is."""
    if not visit.is_today:
        return []
    today = next((v for v in turn.facts.antrean_today().visits if v.id == visit.id), None)
    if today is None or not today.is_open(turn.now):
        return []
    return [_stands(today), *(place_line(p) for p in today.places),
            *([] if today.places else [say("antrean.take_number_hint")])]


def _stand_line(stand: Stand) -> Say:
    opd = stand.opd.singkatan
    if not stand.waiting and not stand.serving_label:
        return say("antrean.stand_empty", opd=opd)
    serving = say("antrean.stand_serving", label=stand.serving_label) if stand.serving_label else ""
    return say("antrean.stand_line", opd=opd, waiting=stand.waiting, minutes=stand.minutes, serving=serving)


FLOW = Flow(
    name="antrean",
    entry_intents=("antrean",),
    reads_intent=entry_intent,
    start=start,
    steps={S.CHOOSE_VISIT: choose_visit, S.CHOOSE_OPD: choose_opd, S.ASK_NAME: ask_name},
    # The visits and stands offered are built from the day's facts; the name is typed content.
    asks={S.ASK_NAME: Ask(free_text=True, short=True)},
    effects=(QueueCheckIn,),
    menu_label="menu.item.antrean",  # not on the menu, but named when the bot asks "Maksudnya …?"
)
