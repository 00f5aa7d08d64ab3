"""A petugas closing a chat in their own words, without a code (issue 23, round 2), through the signed webhook on
SQLite and PostgreSQL: on the only chat they hold the bot asks "Tutup obrolan KM-…? 1. Ya 2. Tidak" and never
relays the words to the resident; "1"/"ya"/"nggih" ends it as "#KODE tutup" would, "2"/"tidak" keeps it; with
several chats the codes are listed; with none, said so."""

import pytest

from tests.handlers.test_petugas_ending import held, ticket_of
from tests.handlers.test_staff_side import RINA, add_staff, outbox
from tests.whatsapp import Phone

CLOSINGS = ["udah ya bu, saya tutup", "sampun nggih", "sampun nggih bu, kula tutup", "sekian dulu nggih",
            "oke selesai ya bu"]


@pytest.fixture
def rina(wa_client, rt):
    add_staff(rt, RINA, "Bu Rina", "diskominfo")
    return Phone(wa_client, RINA, "Rina")


@pytest.mark.parametrize("words", CLOSINGS)
@pytest.mark.parametrize("yes", ["1", "ya", "nggih"])
def test_closing_in_own_words_on_the_only_chat_is_asked_then_ends_it(phone, rina, rt, words, yes):
    phone.say("aku njaluk ngomong karo petugas")
    kode = _kode_for(rt)
    assert "Terkirim" in rina.say(f"#{kode} Nggih Bu, wonten ingkang saged kula bantu?")
    sent = len(outbox(rt, phone.number))
    asked = rina.say(words)
    assert f"Tutup obrolan *{kode}*" in asked and "1. Ya, tutup" in asked
    assert len(outbox(rt, phone.number)) == sent  # nothing of it reaches the resident
    assert held(rt) == ticket_of(rt, kode).id
    rina.say(yes)
    assert held(rt) is None


def test_no_keeps_the_chat_open(phone, rina, rt):
    phone.say("aku njaluk ngomong karo petugas")
    kode = _kode_for(rt)
    rina.say(f"#{kode} Sugeng enjing Bu")
    rina.say("sampun nggih")
    assert "tetap terbuka" in rina.say("2")
    assert held(rt) == ticket_of(rt, kode).id


def test_without_a_chat_held_it_says_so(rina):
    assert "tidak sedang memegang obrolan" in rina.say("udah ya bu, saya tutup")


def test_a_yes_without_a_closing_before_is_no_command(phone, rina, rt):
    phone.say("aku njaluk ngomong karo petugas")
    kode = _kode_for(rt)
    rina.say(f"#{kode} Sugeng enjing Bu")
    assert "tidak dikenali" in rina.say("ya")
    assert held(rt) == ticket_of(rt, kode).id


def _kode_for(rt) -> str:
    from sqlalchemy import select
    from storage.models import Ticket
    with rt.sessions() as s:
        return s.scalars(select(Ticket.kode).order_by(Ticket.id.desc())).first()
