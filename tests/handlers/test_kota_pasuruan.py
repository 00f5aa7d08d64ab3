"""Kota Pasuruan (a separate city) said in the first message, through the signed webhook on SQLite and
PostgreSQL: recognised ("domisili kota pasuruan", "aku wong kota"), said kindly with the nearest visit, and for a
Dukcapil document the city's own Dispendukcapil is pointed to (carefully: its address is from 2016)."""

import pytest

from tests.handlers.test_flows import play
from tests.whatsapp import add_visit


@pytest.fixture
def near(rt):
    return {"kraton": add_visit(rt, "Kraton", 4), "gempol": add_visit(rt, "Gempol", 9)}


@pytest.mark.parametrize("first", ["domisili kota pasuruan", "aku wong kota", "kula tiyang kutha pasuruan",
                                   "saya warga kodya pasuruan kak"])
def test_kota_pasuruan_alone_is_said_kindly_with_the_nearest_visit(phone, near, first):
    play(phone, [(first, "Kota Pasuruan tidak termasuk", "Kec. Kraton", "!belum saya pahami", "!Dispendukcapil Kota")])


@pytest.mark.parametrize("first", ["domisili kota pasuruan, mau bikin ktp", "aku wong kota, arep gawe kk",
                                   "kula tiyang kutha pasuruan, badhe ndamel akta lair",
                                   "kaule oreng kota, terro ngurus kia"])
def test_a_dukcapil_document_points_to_the_citys_own_dispendukcapil_and_the_nearest_visit(phone, near, first):
    play(phone, [
        (first, "Kota Pasuruan tidak termasuk", "*Dispendukcapil Kota Pasuruan*", "Jl. Pahlawan No. 22",
         "mohon cek dulu", "Kec. Kraton", "!kecamatan mana"),
        ("kraton", "Kenduren Mas berikutnya di Kraton", "1. Daftar untuk tanggal ini"),  # they can come: registered
        ("1", "Nama"),
    ])


def test_another_dinas_gets_no_dukcapil_pointer(phone, near):
    play(phone, [("aku wong kota, pengen kb gratis", "Kota Pasuruan tidak termasuk", "Kec. Kraton",
                  "!Dispendukcapil Kota")])


def test_another_city_named_is_not_kota_pasuruan(phone, near):
    play(phone, [("aku wong kota batu, mau bikin ktp", "Kota Batu tidak termasuk", "!Kota Pasuruan")])


@pytest.mark.parametrize("first", ["domisili kota pasuruan, mau bikin ktp", "kula tiyang kutha, badhe ndamel kk"])
def test_a_kecamatan_picked_by_a_city_resident_is_not_called_theirs(phone, rt, first):
    add_visit(rt, "Pohjentrek", 40)
    add_visit(rt, "Kraton", 4)
    play(phone, [(first, "Kota Pasuruan tidak termasuk"),
                 ("pohjentrek", "Kec. Pohjentrek", "Kec. Kraton", "!(kecamatan Anda)")])
