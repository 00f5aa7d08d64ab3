"""The resident and the relative a ticket is for, kept apart, through the signed webhook (SQLite and
PostgreSQL): a krama name sentence gives the name only ("asmanipun ibu kula Tuminah, sampun sepuh" is
never "la Tuminah" nor the sentence), and the writer's own name said beside the relative's ("kula Slamet,
badhe ndaftaraken bapak kula") is the holder's, never saved as the father's."""

import pytest
from sqlalchemy import select

from storage.models import Resident, Ticket
from tests.handlers.test_flows import play, schedule  # noqa: F401  (fixtures)


def ticket_and_holder(rt) -> tuple[Ticket, Resident]:
    with rt.sessions() as s:
        ticket, resident = s.scalars(select(Ticket)).one(), s.scalars(select(Resident)).one()
        s.expunge_all()
        return ticket, resident


@pytest.mark.parametrize("sentence,relation,name", [
    ("asmanipun ibu kula Tuminah, sampun sepuh", "ibu", "Tuminah"),     # krama
    ("nami ibu kula Tuminah", "ibu", "Tuminah"),
    ("nama ibuku Tuminah, wis tuwo", "ibu", "Tuminah"),                  # ngoko
    ("nyamana embu' kaule Tuminah", "ibu", "Tuminah"),                   # Madurese
])
def test_a_name_sentence_gives_the_name_only(phone, schedule, rt, sentence, relation, name):
    play(phone, [("daftar ktp", "KTP-el", "kecamatan mana"), ("gempol", "1."), ("1", "Nama"),
                 (sentence, "Desa", "!la Tuminah"), ("ngerong", "catatan"),
                 ("-", f"Nama: {name}", "!la Tuminah", "!sepuh"), ("1", "Terdaftar")])
    ticket, _ = ticket_and_holder(rt)
    assert (ticket.nama, ticket.relasi) == (name, relation)


@pytest.mark.parametrize("sentence,holder", [
    ("kula Slamet, badhe ndaftaraken bapak kula", "Slamet"),             # krama
    ("aku Slamet, arep ndaftarno bapakku", "Slamet"),                    # ngoko
    ("saya Budi, mau daftarkan bapak saya", "Budi"),                     # Indonesian
    ("engkok Hasan, daftar aghi eppa' kaule", "Hasan"),                  # Madurese
])
def test_the_writers_own_name_is_the_holders_not_the_fathers(phone, schedule, rt, sentence, holder):
    play(phone, [("daftar ktp", "KTP-el", "kecamatan mana"), ("gempol", "1."), ("1", "Nama"),
                 (sentence, "Nama bapak Anda", f"!{holder}"),            # the father's name is asked
                 ("Karto Wiryo", "Desa"), ("ngerong", "catatan"),
                 ("-", "Nama: Karto Wiryo", f"!Nama: {holder}"), ("1", "Terdaftar")])
    ticket, resident = ticket_and_holder(rt)
    assert (ticket.nama, ticket.relasi) == ("Karto Wiryo", "bapak")
    assert resident.name == holder


def test_own_name_in_the_first_message_is_not_offered_as_the_fathers(phone, schedule, rt):
    play(phone, [("nama saya Budi, mau daftar ktp untuk bapak saya", "KTP-el", "kecamatan mana"),
                 ("gempol", "1."), ("1", "Nama bapak Anda", "!Budi"),
                 ("Karto", "Desa"), ("ngerong", "catatan"), ("-", "Nama: Karto"), ("1", "Terdaftar")])
    ticket, resident = ticket_and_holder(rt)
    assert (ticket.nama, ticket.relasi, resident.name) == ("Karto", "bapak", "Budi")
