"""The antrean flow, pure: which words check in or ask, and what each step decides, with the day's
facts given as plain data (no database, no clock of its own)."""

from datetime import UTC, datetime

import pytest

from catalogue import render_say
from flows import antrean
from flows.effects import QueueCheckIn
from flows.engine import ResidentView, Turn
from flows.facts import AntreanDay, LayananView, OpdRef, Stand, TicketAtVisit, TodayVisit

OPENS, CLOSES = datetime(2026, 12, 9, 0, 30, tzinfo=UTC), datetime(2026, 12, 9, 6, 0, tzinfo=UTC)
CAPIL = OpdRef("dispendukcapil", "Dispendukcapil", "Dinas Kependudukan dan Pencatatan Sipil")
DINSOS = OpdRef("dinsos", "Dinas Sosial", "Dinas Sosial")
STANDS = (Stand(CAPIL, waiting=6, serving_label="A-011", minutes=24),
          Stand(DINSOS, waiting=0, serving_label=None, minutes=0))


class Day:
    """The facts a handler would read for the day, as the views it answers with."""

    def __init__(self, tickets=(), places=(), visits=True):
        visit = TodayVisit(id=7, kecamatan="Gempol", lokasi="Kantor Kecamatan Gempol", jam_text="08.00–13.00 WIB",
                           buka_text="08.00", checkin_from=OPENS, selesai_at=CLOSES, stands=STANDS,
                           tickets=tuple(tickets), places=tuple(places))
        self.day = AntreanDay(visits=(visit,) if visits else (),
                              opds=(CAPIL, DINSOS, OpdRef("dinkes", "Dinas Kesehatan", "Dinas Kesehatan")))

    def antrean_today(self):
        return self.day

    def layanan(self, key):
        return LayananView("ktp_el", "KTP-el", CAPIL, (), "ya") if key == "ktp_el" else None


def turn(text, facts, at=datetime(2026, 12, 9, 2, 0, tzinfo=UTC), slots=None, entities=None, intent="antrean"):
    return Turn(text=text, intent=intent, entities=entities or {}, confidence=0.9, slots=slots or {},
                resident=ResidentView("Sumarti", "Sumarti", "Gempol", None, False, "whatsapp"),
                facts=facts, nlu=None, now=at, render=render_say)


@pytest.mark.parametrize("text, checks_in, asks", [
    ("hadir", True, False), ("HADIR pak", True, False), ("antri", True, False), ("ngantri dinsos", True, False),
    ("aku wis teko", True, False), ("sampun dugi", True, False), ("saya sudah sampai", True, False),
    ("sengko la dhateng", True, False), ("kulo sampun rawuh", True, False),
    ("antrean dispendukcapil piro?", True, True), ("nomer antrianku piro", True, True),
    ("kapan kenduren mas datang ke gempol", False, False), ("daftar ktp", False, False),
])
def test_words_that_check_in_or_ask(text, checks_in, asks):
    assert antrean.recognised(text) is checks_in
    assert antrean.is_question(text) is asks


def test_a_ticket_holder_gets_one_number_per_dinas():
    facts = Day(tickets=[TicketAtVisit("KM-1", CAPIL), TicketAtVisit("KM-2", CAPIL), TicketAtVisit("KM-3", DINSOS)])
    step = antrean.start(turn("hadir", facts))
    assert step.effects == [QueueCheckIn(visit_id=7, tickets=("KM-1", "KM-3"))] and step.next_state is None


def test_walk_in_asks_the_dinas_then_the_name():
    facts = Day()
    offer = antrean.start(turn("aku wis teko", facts))
    assert offer.replies[0].key == "antrean.walk_in_offer" and offer.next_state == antrean.S.CHOOSE_OPD
    name = antrean.choose_opd(turn("2", facts, slots=offer.slots))
    assert name.next_state == antrean.S.ASK_NAME and name.slots["opd_key"] == "dinsos"
    done = antrean.ask_name(turn("1", facts, slots=name.slots))
    assert done.effects == [QueueCheckIn(visit_id=7, walk_in_opd="dinsos", nama="Sumarti")]


def test_a_service_named_at_check_in_picks_its_dinas():
    step = antrean.start(turn("antri ktp", Day(), entities={"layanan": "ktp_el"}))
    assert step.next_state == antrean.S.ASK_NAME and step.slots["opd_key"] == "dispendukcapil"


def test_before_opening_and_on_a_day_without_a_visit():
    early = antrean.start(turn("hadir", Day(), at=datetime(2026, 12, 9, 0, 0, tzinfo=UTC)))
    assert [r.key for r in early.replies] == ["antrean.not_open_yet"] and not early.effects
    none = antrean.start(turn("hadir", Day(visits=False)))
    assert [r.key for r in none.replies] == ["antrean.no_visit_today", "antrean.none_planned"]


def test_queue_question_per_stand():
    step = antrean.start(turn("antrean piro?", Day()))
    assert step.replies[0].key == "antrean.stands"
    lines = step.replies[0].params["lines"].items
    assert lines[0].params == {"opd": "Dispendukcapil", "waiting": 6, "minutes": 24,
                               "serving": antrean.say("antrean.stand_serving", label="A-011")}
    assert lines[-1].key == "antrean.others_empty" and step.replies[-1].key == "antrean.take_number_hint"
    other = antrean.start(turn("antrean dinkes berapa?", Day(), entities={"opd": "dinkes"}))
    assert other.replies[0].params["opd"] == "Dinas Kesehatan"


def test_interim_rule_yields_to_a_recogniser_that_knows_antrean():
    from flows.nlu.results import INTENTS

    assert antrean.entry_intent("hadir", "antrean", 0.8) == ("antrean", 0.8)
    assert antrean.entry_intent("kapan ke gempol", "jadwal", 0.95) == ("jadwal", 0.95)
    assert antrean.entry_intent("aku wis teko", "diluar_topik", 0.7) == ("antrean", 0.9)
    confident_other = antrean.entry_intent("hadir", "jadwal", 0.95)
    assert confident_other == (("jadwal", 0.95) if "antrean" in INTENTS else ("antrean", 0.95))
