"""A resident of one kecamatan asking whether they may join another kecamatan's visit, through the signed webhook
on SQLite and PostgreSQL: yes (anyone may come to any visit) with the asked visit's card; the other kecamatan is
the home, kept as such — never the home's card again and again."""

import pytest
from sqlalchemy import select

from storage.models import Kecamatan, Resident
from tests.handlers.test_flows import play, schedule  # noqa: F401  (fixtures)

MAY_COME = "Kenduren Mas terbuka untuk warga dari kecamatan mana pun"


@pytest.mark.parametrize("text, home, visit", [
    ("sy org pandaan, blh ikutan yg di purwosari gk kak?", "Pandaan", "Purwosari"),           # Indonesian, chat spelling
    ("aku wong beji, oleh melu sing nang gempol ora?", "Beji", "Gempol"),              # ngoko
    ("kula tiyang bangil, menawi nderek ingkang wonten gempol angsal?", "Bangil", "Gempol"),  # krama
    ("kaula oreng grati, olle norok se e bangil?", "Grati", "Bangil"),                   # Madurese
    # the home as the address on one's KTP, the join said first, a service beside it: never that service's info
    ("ktp saya alamat Pandaan, boleh ikut kenduren yang di Gempol? yg lebih cepat", "Pandaan", "Gempol"),
    ("kalau saya ikut yang di Gempol padahal KTP saya Bangil, bisa dilayani?", "Bangil", "Gempol"),
    ("menawi kula tiyang Pandaan ndherek ingkang wonten Gempol, KK kula saged dipun urus?", "Pandaan", "Gempol"),
])
def test_asking_to_join_another_visit_gets_yes_and_that_visits_card(phone, schedule, rt, text, home, visit):
    answer = phone.say(text)
    assert MAY_COME in answer and f"Kenduren Mas ke *Kecamatan {visit}*" in answer
    assert f"Kenduren Mas ke *Kecamatan {home}*" not in answer and "📅" in answer and "📍" in answer
    with rt.sessions() as s:
        resident = s.scalars(select(Resident)).one()
        assert s.get(Kecamatan, resident.kecamatan_id).nama == home


def test_the_visit_card_then_register_for_it(phone, schedule):
    play(phone, [
        ("aku org pandaan bs dtg yg d gempol gk", MAY_COME, "*Kecamatan Gempol*"),
        ("1", "Layanan apa"),
        ("ktp", "KTP-el"),
    ])


def test_a_home_with_one_kecamatan_is_no_such_question(phone, schedule):
    play(phone, [("aku wong gempol, kapan kenduren mas nang gempol?", "*Kecamatan Gempol*", "!" + MAY_COME)])
