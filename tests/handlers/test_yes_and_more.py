"""A yes with an extra request at the registration summary, through the signed webhook on SQLite and
PostgreSQL: the registration is done (never thrown away for the extra), then the extra — reminders of the
kecamatan of the visit registered for, with their consent."""

import pytest
from sqlalchemy import select

from storage.models import Subscription, Ticket
from tests.handlers.test_flows import play
from tests.handlers.test_two_requests import subscribed, visits  # noqa: F401  (fixture)


def to_summary(phone, kecamatan="tutur"):
    play(phone, [("daftar ktp", "kecamatan mana"), (kecamatan, "1. Daftar untuk tanggal ini"), ("1", "Nama"),
                 ("Dewi Lestari", "Desa/kelurahan"), ("blarang", "catatan"), ("-", "Cek lagi", "1. Ya, daftarkan")])


@pytest.mark.parametrize("yes", [
    "ya daftarin + ingetin sekalian",                     # chat spelling
    "ya daftarkan & ingatkan saya",                       # Indonesian
    "iyo daftarno, sekalian kabari aku yen wis cedhak",   # ngoko
    "nggih dipun daftaraken lan dipun engetaken",         # krama
    "enggi, daftaraghi ban ngèngaktè",                    # Madurese
])
def test_a_yes_with_reminders_registers_then_asks_the_reminders_consent(phone, visits, rt, yes):
    to_summary(phone)
    play(phone, [(yes, "Terdaftar", "pengingat Kenduren Mas untuk *Kecamatan Tutur*", "Setuju?", "!Beralih"),
                 ("1", "Siap")])
    assert subscribed(rt) == ["Tutur"]
    with rt.sessions() as s:
        assert s.scalars(select(Ticket.visit_id)).one() == visits["tutur"]


@pytest.mark.parametrize("yes", ["ya daftarkan, tapi gak usah diingatkan", "iyo daftarno, ojo dikabari",
                                 "iya daftarin, tp ga usah diingetin ya"])
def test_a_yes_refusing_reminders_registers_only(phone, visits, rt, yes):
    to_summary(phone)
    play(phone, [(yes, "Terdaftar", "!Setuju?")])
    with rt.sessions() as s:
        assert s.scalars(select(Ticket)).one() is not None and not list(s.scalars(select(Subscription)))
