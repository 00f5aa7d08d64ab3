"""The proposal flow's Musrenbang measure: a length in meters for roads, drainage, bridges, irrigation
and embankments, a number of lamps for street lighting — read from the description when it says so,
asked otherwise, in the registers residents write; "don't know" and skip words store nothing."""

import pytest

from flows import usulan
from flows.usulan import SATUAN, quantity
from tests.flows.fakes import turn

SLOTS = {"kategori": "jalan", "desa": "Martopuro", "desa_kecamatan": "Purwosari",
         "deskripsi": "jalan depan SD berlubang parah"}


@pytest.mark.parametrize("text, satuan, expected", [
    ("300", "meter", 300), ("300 m", "meter", 300), ("sekitar 200an meter", "meter", 200),
    ("1,5 km", "meter", 1500), ("kurang lebih 2 kilo", "meter", 2000), ("kiro-kiro 300an meteran", "meter", 300),
    ("sak 150 m", "meter", 150), ("5", "titik", 5), ("lima", "titik", 5), ("lampune mati telu", "titik", 3),
    ("tiang lampu 4 buah", "titik", 4), ("8 titik", "titik", 8),
    ("ga tau", "meter", None), ("panjang sekali", "meter", None), ("0812345678901", "meter", None),
])
def test_the_measure_in_the_residents_words(text, satuan, expected):
    assert quantity(text, satuan) == expected


@pytest.mark.parametrize("deskripsi, expected", [
    ("jalan depan SD berlubang sepanjang 300 m", 300), ("dalan rusak kurang luwih 1,2 km", 1200),
    ("jalan RT 3 rusak sejak 2019", None), ("jalan rusak di dusun 2", None),
])
def test_a_description_gives_the_measure_only_with_its_unit(deskripsi, expected):
    assert quantity(deskripsi, "meter", unit_required=True) == expected


def test_a_category_without_a_natural_measure_is_not_asked():
    assert "sampah" not in SATUAN and "fasilitas_umum" not in SATUAN
    step = usulan._ask_volume({**SLOTS, "kategori": "sampah"})
    assert step.next_state == usulan.S.ASK_FOTO


def test_a_measure_in_the_description_is_not_asked_again():
    step = usulan._ask_volume({**SLOTS, "deskripsi": "jalan berlubang sepanjang 300 m"})
    assert step.next_state == usulan.S.ASK_FOTO and step.slots["volume"] == 300 and step.slots["satuan"] == "meter"


@pytest.mark.parametrize("answer", ["lewati", "gak ngerti", "mboten ngertos", "embuh", "ora ngerti", "tak taoh"])
def test_dont_know_and_skip_store_no_measure(answer):
    step = usulan.ask_volume(turn(answer, SLOTS))
    assert step.next_state == usulan.S.ASK_FOTO and "volume" not in step.slots


def test_an_answer_without_a_number_is_asked_again_and_the_measure_reaches_the_proposal():
    again = usulan.ask_volume(turn("dowo pokoke", SLOTS))
    assert again.next_state == usulan.S.ASK_VOLUME
    step = usulan.ask_volume(turn("250 meter", SLOTS))
    done = usulan.ask_foto(turn("lewati", step.slots))
    (created,) = done.effects
    assert (created.volume, created.satuan) == (250, "meter")
