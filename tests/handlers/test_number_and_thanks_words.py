"""Number words 1–19 at a numbered question and thanks with an address word, through the signed webhook on
SQLite and PostgreSQL, one register each (Madurese, krama, ngoko, Indonesian with a typo)."""

from tests.handlers.test_flows import play, schedule  # noqa: F401  (fixtures)

SERVICES = "Layanan apa yang ingin diurus"


def test_madurese_number_word_picks_the_service(phone, schedule):
    play(phone, [("kaula terro adaftar", SERVICES), ("sapolo", "*Kartu perpustakaan*")])


def test_krama_teen_number_picks_the_service(phone, schedule):
    play(phone, [("kula badhe daftar layanan", SERVICES), ("gangsal welas mawon", "*KB gratis*")])


def test_ngoko_teen_number_picks_the_service(phone, schedule):
    play(phone, [("aku pengen daftar", SERVICES), ("songolas", "*Donor darah*")])


def test_indonesian_teen_number_with_a_slip_picks_the_service(phone, schedule):
    play(phone, [("mau daftr layanan", SERVICES), ("nomer duabelas kak", "*Ternak")])


def test_thanks_with_an_address_word_gets_the_short_thanks(phone, schedule):
    play(phone, [
        ("sakalangkong nak", "Sama-sama"),
        ("kalangkong cong", "Sama-sama"),
        ("jadwal", "Jadwal Kenduren Mas berikutnya"),
        ("matur nuwun sanget mbak", "Sama-sama"),
        ("menu", "Balas dengan angka"),
        ("2", SERVICES),
        ("suwun nggih pak", "Sama-sama"),
    ])
