"""Residents of Kota Pasuruan and the neighbouring regencies, through the signed webhook on SQLite and PostgreSQL, in
their words: told kindly that Kenduren Mas is Kabupaten Pasuruan's wherever they say it (first message, at the desa
question, beside a question), offered the visit nearest THEIR own kecamatan (storage/reference/luar_kabupaten.csv),
pointed to their own regency's office for a domicile-bound service; never "kecamatan Anda", never a loop, never a
relative's desa stored as their home."""

import pytest
from sqlalchemy import select

from storage.models import Resident, Ticket
from tests.handlers.test_flows import play
from tests.whatsapp import add_visit

OUTSIDE = "tidak termasuk wilayah Kenduren Mas"


@pytest.fixture
def visits(rt):
    return {k: add_visit(rt, k, d) for k, d in
            [("Kraton", 4), ("Gempol", 5), ("Pandaan", 8), ("Purwodadi", 9), ("Nguling", 12)]}


@pytest.mark.parametrize("first, place, nearest", [
    ("sy org porong, bs ikut kenduren mas gk?", "Kabupaten Sidoarjo", "Kec. Gempol"),        # chat Indonesian
    ("aku wong tanggulangin sidoarjo, oleh melu kenduren mas ta?", "Kabupaten Sidoarjo", "Kec. Gempol"),  # ngoko
    ("kula tiyang tongas probolinggo, saged tumut?", "Kabupaten Probolinggo", "Kec. Nguling"),  # krama
    ("kaule oreng tongas, olle norok kenduren mas?", "Kabupaten Probolinggo", "Kec. Nguling"),  # Madurese
    ("kula saking lawang malang, badhe tanglet kenduren mas", "Kabupaten Malang", "Kec. Purwodadi"),
    ("kulo tiyang lumbang probolinggo, saged tumut kenduren mas?", "Kabupaten Probolinggo", "Kec. Nguling"),
])
def test_the_first_message_gets_the_visit_nearest_their_own_place(phone, visits, first, place, nearest):
    play(phone, [(first, f"{place} {OUTSIDE}", "Jadwal terdekat", nearest, " km dari ", "!kecamatan Anda",
                  "!belum bisa saya jawab")])


@pytest.mark.parametrize("first, office", [
    ("sy org porong, mau bikin ktp", "*Dispendukcapil Kabupaten Sidoarjo*"),
    ("aku wong tongas, arep gawe kk", "*Dispendukcapil Kabupaten Probolinggo*"),
    ("sy wrg porong sidoarjo, mau daftar bansos pkh bisa?", "*Dinas Sosial Kabupaten Sidoarjo*"),
])
def test_a_domicile_bound_service_points_to_their_own_regency(phone, visits, first, office):
    play(phone, [(first, OUTSIDE, office, "Kec. Gempol" if "porong" in first else "Kec. Nguling")])


def test_a_desa_of_ours_with_a_neighbours_name_is_ours(phone, visits):
    # Tanggulangin is also a desa of Kejayan; Pusungmalang one of Puspo: only with the regency said are they outside.
    play(phone, [("kula tiyang pusung malang, badhe daftar ktp", "KTP-el", f"!{OUTSIDE}")])


def test_an_open_service_names_no_office(phone, visits):
    play(phone, [("sy org porong, mau kb gratis", OUTSIDE, "Kec. Gempol", "!Dispendukcapil", "!Dinas Sosial")])


@pytest.mark.parametrize("again", ["porong", "tetep porong kak", "kula tiyang sidoarjo"])
def test_said_again_at_the_kecamatan_question_ends_kindly_never_a_loop(phone, visits, rt, again):
    play(phone, [("daftar kb", "kecamatan mana"), ("porong sidoarjo", OUTSIDE),
                 (again, "tidak saya lanjutkan", f"!{OUTSIDE}"),
                 ("gempol", "Kecamatan Gempol", "!Desa/kelurahan")])
    with rt.sessions() as s:
        assert not list(s.scalars(select(Ticket)))


@pytest.mark.parametrize("at_desa", ["sy org porong sidoarjo", "aku wong tongas probolinggo", "kula saking kota pasuruan"])
def test_at_the_desa_question_told_once_then_the_registration_ends(phone, visits, rt, at_desa):
    play(phone, [("daftar ktp", "kecamatan mana"), ("gempol", "1. Daftar"), ("1", "Nama"), ("Sutini", "Desa/kelurahan"),
                 (at_desa, OUTSIDE, "Tiketnya dicatat dengan desa/kelurahan di Kabupaten Pasuruan", "Dispendukcapil"),
                 (at_desa, "tidak saya lanjutkan", f"!{OUTSIDE}")])
    with rt.sessions() as s:
        assert not list(s.scalars(select(Ticket)))
        assert all(r.desa_id is None for r in s.scalars(select(Resident)))


def test_beside_a_question_the_answer_and_kindly_the_regency(phone, visits):
    play(phone, [("gempol tgl brp? sy org bugul kidul", "Kota Pasuruan tidak termasuk", "siapa pun boleh datang",
                  "Kecamatan Gempol", "!kecamatan Anda")])


@pytest.mark.parametrize("first", ["sy warga kota pasuruan, mau daftarin ibu sy ktp, ibu tinggal di gempol",
                                   "aku wong kota, arep ndaftarno ibuku gawe ktp nang gempol"])
def test_a_relatives_desa_is_never_the_outsiders_home(phone, visits, rt, first):
    answer = phone.say(first)
    assert "Kota Pasuruan tidak termasuk" in answer
    if "1. Daftar" in answer:
        phone.say("1")
    play(phone, [("Tumini", "Desa/kelurahan"), ("kepulungan", "catatan"), ("-", "Cek lagi", "!kecamatan Anda"),
                 ("1", "Terdaftar")])
    with rt.sessions() as s:
        ticket = s.scalars(select(Ticket)).one()
        assert ticket.desa.nama == "Kepulungan"
        assert s.scalars(select(Resident)).one().desa_id is None
