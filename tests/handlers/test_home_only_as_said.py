"""What the bot says about the person comes only from what they said: "kecamatan Anda", "di dekat Anda" and
"Desa … Anda di Kecamatan X?" only of the home the resident named (their record, "aku wong …", the answer to
"tinggal di kecamatan mana?"), never of a visit they named to go to, nor of the visit a Kota Pasuruan resident
picks. Through the signed webhook on SQLite and PostgreSQL."""

import pytest

from tests.handlers.test_flows import play
from tests.whatsapp import add_visit


@pytest.fixture
def far_and_near(rt):
    """Pandaan's and Bangil's visits are weeks away; sooner ones nearby."""
    return {"pandaan": add_visit(rt, "Pandaan", 60), "prigen": add_visit(rt, "Prigen", 6),
            "purwosari": add_visit(rt, "Purwosari", 9), "bangil": add_visit(rt, "Bangil", 62),
            "beji": add_visit(rt, "Beji", 8)}


@pytest.mark.parametrize("first", [
    "saya mau daftar KK di kenduren mas Pandaan",                                   # Indonesian
    "aku arep melu kenduren nang Pandaan, ngurus KK",                                  # ngoko
    "ibu kula badhe kula daftaraken Kenduren Mas wonten Pandaan, kangge ngurus KK",     # krama
    "mau dftr kk d kenduren pandaan kak",                                              # chat spelling
])
def test_a_visit_named_to_go_to_is_not_the_home(phone, far_and_near, first):
    answer = phone.say(first)
    assert "Kec. Pandaan" in answer and "(kecamatan Anda)" not in answer and "di dekat Anda" not in answer
    assert "di dekat Pandaan" in answer


def test_a_visit_named_then_the_desa_is_asked_as_home_not_in_that_kecamatan(phone, far_and_near):
    play(phone, [("saya mau daftar KK di kenduren mas Pandaan", "Kec. Pandaan"),
                 ("1", "Nama"), ("Sri Wahyuni", "tempat tinggal", "!di Kecamatan Pandaan"),
                 ("kutorejo pandaan", "catatan"), ("-", "Desa Kutorejo, Kec. Pandaan", "Kenduren Mas di Pandaan")])


@pytest.mark.parametrize("first", ["saya warga Pandaan, mau daftar KK", "aku wong Pandaan, arep ngurus KK",
                                   "kula tiyang Pandaan, badhe ngurus KK"])
def test_a_home_said_is_labelled_as_the_home(phone, far_and_near, first):
    assert "Kec. Pandaan (kecamatan Anda)" in phone.say(first)


@pytest.mark.parametrize("first", ["saya dari Bugul Kidul Kota Pasuruan, mau daftar KTP",
                                   "aku wong Purworejo kota Pasuruan, arep gawe KTP"])
def test_a_kota_pasuruan_resident_picking_a_visit_is_not_told_it_is_their_kecamatan(phone, far_and_near, first):
    phone.say(first)
    answer = phone.say("bangil aja")
    assert "Kec. Bangil" in answer and "(kecamatan Anda)" not in answer and "di dekat Anda" not in answer
    play(phone, [("1", "Nama"), ("Sri Wahyuni", "!di Kecamatan Bangil")])
