"""A request said in a whole sentence is that request, whatever else the sentence holds, through the signed
webhook on SQLite and PostgreSQL, and as a pure table: registering a person ("saya ingin mendaftarkan suami
saya …", "kula badhe ndaftaraken ibu kula …") starts the registration — never the kepala desa's forwarding
help because the news came "dari grup warga", never the reminders because a kecamatan is named."""

import pytest

from flows.layanan import registers_someone
from tests.handlers.test_flows import play, schedule  # noqa: F401  (fixtures)

ASKS_SERVICE = "Layanan apa"
FORWARDING = "belum terdaftar sebagai kepala desa"


@pytest.mark.parametrize("text, registers", [
    ("Selamat siang, saya ingin mendaftarkan suami saya untuk cek kesehatan gratis", True),
    ("kula badhe ndaftaraken ibu kula wonten Kenduren Mas ing Bangil", True),  # krama
    ("aku arep ndaftarno mbokku nang pandaan", True),                           # ngoko
    ("engkok terro daftarragi ana' kaule ka Bangil", True),                     # Madurese
    ("tlg daftarin suami sy y kak", True),                                      # chat spelling
    ("daftarkan saya", True),
    ("nomer sy udah terdaftar blm?", False),                                   # no one registered
    ("pendaftaran di bangil kapan?", False),
    ("ibu saya kemarin sudah daftar", False),
])
def test_registering_a_person_is_read_from_the_sentence(text, registers):
    assert registers_someone(text) is registers


@pytest.mark.parametrize("text", [
    "Selamat siang, saya warga Gempol, terus saya ingin mendaftarkan suami saya untuk cek kesehatan gratis",
    "tadi ada pesan diteruskan pak RT, saya mau daftarkan suami",
    "aku oleh kabar sing disebar nang grup warga, arep ndaftarno mbokku",
    "kula pikantuk info saking grup RT ingkang dipun teruskan, badhe ndaftaraken ibu kula",
])
def test_registering_someone_is_never_the_forwarding_help(phone, schedule, text):
    answer = phone.say(text)
    assert FORWARDING not in answer and "Teruskan" not in answer
    assert ASKS_SERVICE in answer or "Yang dibawa" in answer


@pytest.mark.parametrize("text", [
    "Sugeng enjing, kula badhe ndaftaraken ibu kula wonten Kenduren Mas ing Gempol, ibu kula sampun sepuh",
    "kula nyuwun tulung daftaraken ibu kula, griyanipun wonten Gempol",
    "aku arep ndaftarno bojoku nang gempol",
    "sy mau daftarin anak sy di kenduren gempol",
])
def test_registering_someone_with_a_kecamatan_named_is_no_reminder_question(phone, schedule, text):
    answer = phone.say(text)
    assert "Pengingat jadwal" not in answer and "Setuju?" not in answer
    assert ASKS_SERVICE in answer


def test_the_forwarding_question_itself_still_gets_the_help(phone, schedule):
    play(phone, [("gimana cara meneruskan info pendaftaran ke grup warga", FORWARDING, "Teruskan")])


@pytest.mark.parametrize("text", [
    "Kula badhe ndaftaraken ibu kula KK, menapa saged dipun wakili?",   # krama
    "aku arep ndaftarno mbokku KK, oleh diwakili ora?",                 # ngoko
    "saya mau daftarkan ibu saya bikin KK, boleh diwakilkan?",          # Indonesian
])
def test_registering_someone_with_a_question_gets_both_the_answer_first(phone, schedule, text):
    answer = phone.say(text)
    assert "📚 Sumber" in answer and "Baik, *Kartu Keluarga (KK)*" in answer
    assert answer.index("📚 Sumber") < answer.index("Baik, *Kartu Keluarga (KK)*")
    assert "kecamatan mana" in answer
