"""jadwal — where and when is Kenduren Mas."""

from __future__ import annotations

import re
from dataclasses import replace

from flows import answers, info
from flows.antrean import on_the_day
from flows.engine import Ask, Bullets, Flow, Say, Step, Turn, choices, say, unhandled
from flows.facts import ScheduleAnswer, VisitView
from flows.langganan import asks_reminder
from flows.places import kecamatan_named
from flows.nlu.aspects import OPD
from flows.places import NEAR_KM, kecamatan_in_area, nearby_visits, visit_elsewhere, with_areas
from flows.tiket import other_visit_wish
from flows.visit_card import visit_card


class S:
    ASK_KECAMATAN = "ask_kecamatan"
    AFTER_VISIT = "after_visit"
    NO_VISIT = "no_visit"
    PICK_VISIT = "pick_visit"


# The options after a visit is shown, and after none is found (answered by number or by their words).
AFTER_VISIT = choices(("register", say("opt.register_here")), ("remind", say("opt.remind_me")), ("menu", say("opt.menu")))
# After several kecamatan's cards ("kapan ke gempol karo beji?"): which visit is asked next, not "this" one.
AFTER_SEVERAL = choices(("register", say("opt.register_one_of")), ("remind", say("opt.remind_me")),
                        ("menu", say("opt.menu")))
NO_VISIT = choices(("remind", say("opt.remind_me")), ("menu", say("opt.menu")), yes="remind", no="menu")


def _kecamatan_from(turn: Turn) -> str | None:
    if turn.location:
        return turn.facts.nearest_kecamatan(*turn.location)
    return turn.entities.get("kecamatan")


def _aspect(turn: Turn) -> str | None:
    """The part of a visit asked about (entity `aspek`: which dinas, the hours, the place): a question
    about one visit even without a place in it. The model's decision stands: a schedule question, or
    which dinas take part read as a question about the programme (bantuan); nothing else."""
    aspect = turn.entities.get("aspek")
    if turn.intent == "jadwal" or (turn.intent == "bantuan" and aspect == OPD):
        return aspect
    return None


def _about_visit(turn: Turn, visit: VisitView) -> Say:
    """The visit as asked: its dinas when that is the question, else its card (date, hours, place, dinas)."""
    return info.opd_answer(turn, visit) if _aspect(turn) == OPD else visit_card(visit)


SHOWN_KECAMATAN = 3  # "kapan ke gempol, beji karo bangil?": each answered, one phone screen
SHOWN_CHANGES = 2  # one phone screen: the changes nearest first, then the visit itself


def schedule_cards(answer: ScheduleAnswer) -> list[Say]:
    """Facts.next_visit_to's answer as the resident reads it: the changes first, then the visit."""
    cards = [visit_card(c) for c in answer.changes[:SHOWN_CHANGES]]
    return [*cards, visit_card(answer.visit)] if answer.visit else cards


def _show_kecamatan(turn: Turn, kecamatan: str) -> Step:
    answer = turn.facts.next_visit_to(kecamatan)
    notices = schedule_cards(replace(answer, visit=None))
    visit = answer.visit
    if visit is None and not notices:
        return Step([say("jadwal.none_for_kecamatan", kecamatan=kecamatan,
                         options=NO_VISIT.labels())],
                    S.NO_VISIT, {"kecamatan": kecamatan})
    if visit is None:
        return Step([*notices, say("jadwal.after_cancel", options=NO_VISIT.labels())],
                    S.NO_VISIT, {"kecamatan": kecamatan})
    return Step([*notices, _about_visit(turn, visit), *on_the_day(turn, visit),
                 say("jadwal.next_actions", options=AFTER_VISIT.labels())],
                S.AFTER_VISIT, {"kecamatan": kecamatan, "visit_id": visit.id})


def _show_several(turn: Turn, named: list[str]) -> Step:
    """"kapan ke gempol karo beji?": each one answered (never only the first), then what to do with them."""
    cards: list[Say] = []
    visit_ids: list[int] = []
    for kecamatan in named[:SHOWN_KECAMATAN]:
        answer = turn.facts.next_visit_to(kecamatan)
        shown = schedule_cards(answer)
        cards.extend(shown or [say("jadwal.none_short", kecamatan=kecamatan)])
        if answer.visit is not None:
            visit_ids.append(answer.visit.id)
    slots = {"kecamatan": named[0], "kecamatan_list": named[:SHOWN_KECAMATAN], "visit_ids": visit_ids}
    if asks_reminder(turn.text):
        return Step(cards, None, slots, switch_to="langganan")
    after = AFTER_SEVERAL if len(visit_ids) > 1 else AFTER_VISIT
    return Step([*cards, say("jadwal.next_actions", options=after.labels())], S.AFTER_VISIT, slots)


def start(turn: Turn) -> Step:
    kecamatan = _kecamatan_from(turn)
    if turn.location and kecamatan:
        return _with_lead(say("jadwal.from_location", kecamatan=kecamatan), _show_kecamatan(turn, kecamatan))
    elsewhere = visit_elsewhere(turn)
    if elsewhere is not None:  # anyone may come to any visit: yes, with the asked visit's card
        return _with_lead(say("jadwal.anyone_may_come", home=elsewhere[0], kecamatan=elsewhere[1]),
                          _show_kecamatan(turn, elsewhere[1]))
    named = kecamatan_named(turn) if kecamatan else []
    if len(named) > 1:
        return _show_several(turn, named)
    shown = _show_kecamatan(turn, kecamatan) if kecamatan else None
    if shown is None and asks_nearest(turn.text) and turn.resident.kecamatan:
        shown = _show_kecamatan(turn, turn.resident.kecamatan)  # "sing paling cedhak omahku": the resident's home
    if shown is not None and shown.next_state == S.AFTER_VISIT and asks_nearest(turn.text):
        # "aku wong pandaan, sing paling cedhak lan paling cepet kapan?": the own card, and the sooner visits nearby
        nearby = _other_visits(replace(turn, slots={**turn.slots, **shown.slots}), "sooner")
        card = [r for r in shown.replies if r.key != "jadwal.next_actions"]
        return Step([*card, *nearby.replies], nearby.next_state, nearby.slots)
    if shown is not None and shown.next_state == S.AFTER_VISIT and asks_reminder(turn.text):
        # "jadwal gempol, kabari aku ya": the card, then the consent
        return Step([r for r in shown.replies if r.key != "jadwal.next_actions"], None, shown.slots,
                    switch_to="langganan")
    if shown is not None:
        return shown
    waktu = turn.entities.get("waktu")
    # Without a place or a time: the kecamatan of the conversation ("jam piro bukak e?" at a card is
    # about that card's visit), then the resident's own.
    known = (turn.slots.get("kecamatan") if _aspect(turn) else None) or turn.resident.kecamatan
    if waktu is None and known:
        return _show_kecamatan(turn, known)
    visits = turn.facts.next_visits(None, limit=3)
    if not visits:
        return Step([say("jadwal.none_at_all")], None)
    if waktu == "hari_ini":
        lead = say("jadwal.today") if visits[0].is_today else say("jadwal.not_today")
        first = visits[0]
        return _with_lead(lead, Step([_about_visit(turn, first), *on_the_day(turn, first),
                                      say("jadwal.next_actions", options=AFTER_VISIT.labels())],
            S.AFTER_VISIT, {"kecamatan": first.kecamatan, "visit_id": first.id}))
    if _aspect(turn):
        return _show_kecamatan(turn, visits[0].kecamatan)  # "sing teko dinas opo ae?": the next visit
    return Step([say("jadwal.upcoming", visits=Bullets([visit_card(v) for v in visits])),
                 with_areas(say("jadwal.ask_kecamatan"))], S.ASK_KECAMATAN)


# "paling cedhak", "terdekat", "sing cerak", "ingkang celak", "se paling semma'", "near me": a wish for the nearest visit.
_NEAREST = re.compile(r"\b(?:ter|paling\s+|plg\s+|pling\s+|sing\s+|seng\s+|ingkang\s+|yang\s+|yg\s+|se\s+)"
                      r"(?:dekat|dkt|deket|cedhak|cedak|cidek|cerak|celak|parek|semma'?)\b|\bnear\b|\bnearest\b",
                      re.IGNORECASE)


def asks_nearest(text: str) -> bool:
    """The question is for the nearest or soonest-nearby visit ("jadwal terdekat dari pandaan", "sing paling cedhak
    lan cepet"): the own kecamatan's card alone does not answer it."""
    return bool(_NEAREST.search(text or "")) or other_visit_wish(text) == "sooner"


def reads_intent(text: str, intent: str, confidence: float) -> tuple[str, float]:
    """"kula tiyang pandaan, wonten ingkang langkung celak lan enggal?": a question for the nearest or sooner visit
    is a schedule question (it was read as none, and handed on as unanswerable)."""
    unsure_person = intent == "petugas" and not _A_PERSON.search(text or "")  # "kula tiyang pandaan, …?" is no handoff
    if (intent not in ("jadwal", "daftar_layanan", "usulan", "langganan", "petugas", "berhenti", "antrean") or unsure_person) \
            and asks_nearest(text) and (answers.is_question(text) or "?" in text):
        return "jadwal", max(confidence, 0.8)
    return intent, confidence


_A_PERSON = re.compile(r"\b(?:petugas|ptgs|admin|operator|cs|manusia|hubung\w*|sambung\w*|telpon|telepon|ngobrol|bicara)\b",
                       re.IGNORECASE)


def _with_lead(lead: Say, step: Step) -> Step:
    return Step([lead, *step.replies], step.next_state, step.slots, step.effects)


def _new_question(turn: Turn) -> bool:
    """Another where/when question ("hari ini di mana?"), or one about a part of the visit ("sing teko
    dinas opo ae?"), while we wait for an answer: answer it afresh."""
    if turn.choice is not None:
        return False
    return (turn.intent == "jadwal" and turn.confidence >= 0.6) or _aspect(turn) is not None


def ask_kecamatan(turn: Turn) -> Step:
    in_area = kecamatan_in_area(turn, S.ASK_KECAMATAN)  # WhatsApp: an area tapped, then its kecamatan
    if isinstance(in_area, Step):
        return in_area
    if in_area is not None:
        return _show_kecamatan(turn, in_area)
    if _new_question(turn):
        return start(turn)
    kecamatan = _kecamatan_from(turn)
    if kecamatan is None:
        found = turn.nlu.match_kecamatan(turn.text)
        kecamatan = found.name if found is not None and found.certain else None
    if kecamatan is None:
        return unhandled(with_areas(say("jadwal.kecamatan_unknown")), state=S.ASK_KECAMATAN)
    return _show_kecamatan(turn, kecamatan)


OTHER_SHOWN = 5  # the nearby visits offered for "yg lbh cpt dmn?" at a visit card


def _other_visits(turn: Turn, wish: str) -> Step:
    """At a visit card, a wish for a sooner visit or one in another kecamatan ("menawi wonten ingkang langkung
    enggal ten kecamatan sanes", "yg lbh cpt dmn?"), or another date ("ganti hari"): the visits nearby (sooner
    ones first when asked), with the distance between kecamatan offices, to pick one."""
    current = turn.facts.visit(turn.slots["visit_id"]) if turn.slots.get("visit_id") else None
    here = turn.slots.get("kecamatan") or (current.kecamatan if current else None)
    if here is None or current is None:
        return start(turn)
    # The neighbours' visits first (a neighbour's was missed behind a dozen far ones); any, when none is near.
    near = ([n for n in turn.facts.visits_near(here, limit=12, within_km=NEAR_KM) if n.visit.id != current.id]
            or [n for n in turn.facts.visits_near(here, limit=12) if n.visit.id != current.id])
    sooner = nearby_visits(turn.facts, here, before=current.tanggal, exclude={current.id}, limit=OTHER_SHOWN)
    lead = []
    if wish == "sooner" and sooner:
        shown, key = sooner[:OTHER_SHOWN], "jadwal.sooner_visits"
    else:
        if wish == "sooner":
            lead = [say("jadwal.none_sooner", kecamatan=here, tanggal=current.tanggal_text)]
        shown, key = near[:OTHER_SHOWN], "jadwal.other_visits"
    if not shown:
        return Step([*lead, say("jadwal.none_other", kecamatan=here, options=AFTER_VISIT.labels())], S.AFTER_VISIT,
                    dict(turn.slots))
    options = [say("layanan.visit_option_km", tanggal=n.visit.tanggal_text, kecamatan=n.visit.kecamatan, km=n.km)
               for n in shown]
    return Step([*lead, say(key, kecamatan=here, tanggal=current.tanggal_text, options=options)], S.PICK_VISIT,
                {"kecamatan": here, "visit_id": current.id, "visit_ids": [n.visit.id for n in shown]})


def pick_visit(turn: Turn) -> Step:
    visits = [v for v in (turn.facts.visit(i) for i in turn.slots.get("visit_ids") or []) if v]
    labels = [say("layanan.visit_option", tanggal=v.tanggal_text, kecamatan=v.kecamatan) for v in visits]
    i = turn.pick_index(labels)
    named = _kecamatan_from(turn)
    if i is None and named:
        return _show_kecamatan(turn, named)  # another kecamatan named: its next visit
    if i is None:
        if _new_question(turn):
            return start(turn)
        return unhandled(say("common.choose_again", options=labels), state=S.PICK_VISIT)
    return _show_kecamatan(turn, visits[i].kecamatan)


def after_visit(turn: Turn) -> Step:
    if _new_question(turn) and other_visit_wish(turn.text) != "sooner":  # "minggu depan nang ndi?": what comes next
        return start(turn)
    answer = turn.pick(AFTER_VISIT) or turn.pick(AFTER_SEVERAL)
    wish = other_visit_wish(turn.text) if answer is None else None
    if wish:
        return _other_visits(turn, wish)
    if answer == "register":
        return Step(switch_to="layanan", slots={"visit_id": turn.slots.get("visit_id"),
                                                "kecamatan": turn.slots.get("kecamatan")})
    if answer == "remind":
        return Step(switch_to="langganan", slots={"kecamatan": turn.slots.get("kecamatan"),
                                                  "kecamatan_list": turn.slots.get("kecamatan_list")})
    if answer == "menu":
        return Step(switch_to="menu")
    if _kecamatan_from(turn):
        return _show_kecamatan(turn, _kecamatan_from(turn))
    return unhandled(say("common.choose_again", options=AFTER_VISIT.labels()), state=S.AFTER_VISIT)


def no_visit(turn: Turn) -> Step:
    if _new_question(turn):
        return start(turn)
    answer = turn.pick(NO_VISIT)
    if answer == "remind":
        return Step(switch_to="langganan", slots={"kecamatan": turn.slots.get("kecamatan")})
    if answer == "menu":
        return Step(switch_to="menu")
    return unhandled(say("common.choose_again", options=NO_VISIT.labels()), state=S.NO_VISIT)


FLOW = Flow(
    name="jadwal", keywords=("jadwal", "jadwal kenduren mas", "cek jadwal"), reads_intent=reads_intent,
    entry_intents=("jadwal",),
    on_location=True,  # a shared location alone: "where is Kenduren Mas near here?"
    start=start,
    steps={S.ASK_KECAMATAN: ask_kecamatan, S.AFTER_VISIT: after_visit, S.NO_VISIT: no_visit, S.PICK_VISIT: pick_visit},
    menu_label="menu.item.jadwal",
    asks={S.AFTER_VISIT: Ask(AFTER_VISIT), S.NO_VISIT: Ask(NO_VISIT)},
    switches=("layanan", "langganan", "menu"),
)
