"""Free text inside a flow that is not the answer (issue 23, round 2), through the signed webhook on SQLite and
PostgreSQL: a Madurese "none" at the note skips it; a question at the note is answered (or said to wait) and never
stored as the note; "only asking" leaves the registration without creating anything."""

import pytest

from tests.handlers.test_flows import play, schedule  # noqa: F401  (fixtures)
from tests.whatsapp import tickets

TO_NOTE = [("mau daftar ktp", "KTP-el"), ("gempol", "1. "), ("1", "Nama"), ("Siti Aminah", "Desa"),
           ("gempol", "catatan")]


@pytest.mark.parametrize("none", ["ta' bada", "ta' endik", "tadha'", "ndak onten", "mboten wonten nggih", "gak ada kak"])
def test_none_at_the_note_in_any_register_skips_it(phone, schedule, rt, none):
    play(phone, TO_NOTE)
    play(phone, [(none, "Cek lagi", "Catatan: -", "!Catatan: " + none)])


@pytest.mark.parametrize("question, expected", [
    ("napa bisa ngala' KTP è kantor desa?", "📚 Sumber:"),             # Madurese, a sourced answer
    ("KTP kula ical, menapa kedah surat polisi?", "surat keterangan kehilangan"),  # krama
    ("iso nggawe paspor nang kono ta?", "belum bisa saya jawab di tengah langkah ini"),  # nothing in the data
])
def test_a_question_at_the_note_is_answered_never_stored(phone, schedule, rt, question, expected):
    play(phone, TO_NOTE)
    play(phone, [(question, expected, "!Cek lagi")])
    play(phone, [("gak ada", "Cek lagi", "Catatan: -"), ("ya daftarkan", "Terdaftar")])
    [ticket] = tickets(rt)
    assert not ticket.catatan or question not in ticket.catatan


def test_a_note_stated_is_still_the_note(phone, schedule):
    play(phone, TO_NOTE)
    play(phone, [("KTP hilang di pasar", "Cek lagi", "Catatan: KTP hilang di pasar")])


@pytest.mark.parametrize("words", [
    "aku takon tok",                        # ngoko
    "enje' tak usah, kaula gun atanya",     # Madurese
    "mboten, kula namung takon",            # krama
    "cuma tanya kok kak",                   # Indonesian chat
])
def test_only_asking_leaves_the_registration(phone, schedule, rt, words):
    play(phone, [("syarat e KK opo ae?", "Kartu Keluarga"),
                 (words, "tidak saya lanjutkan", "!Nama kecamatannya belum saya kenali")])
    assert tickets(rt) == []
    play(phone, [("mau daftar ktp", "KTP-el"), ("gempol", "1. "), (words, "tidak saya lanjutkan")])
    assert tickets(rt) == []
