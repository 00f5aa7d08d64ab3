"""What residents say at the registration summary and at its free-text questions, through the signed webhook on
SQLite and PostgreSQL: a name said wrong is a change of name (a service named as its reason is no change of
service); a date said alone changes the visit and a no right after puts it back; a yes that says for whom, or
only declines reminders, registers; filler, "as I said" and skip or agreeing words in every register are never
stored as a name or a note."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from flows.dates import tanggal
from storage.models import Subscription, Ticket
from tests.handlers.test_change_service import TO_SUMMARY, ticket_of
from tests.handlers.test_flows import play, schedule  # noqa: F401  (fixture)
from tests.whatsapp import jakarta_today


@pytest.mark.parametrize("correction", [
    "namanya salah, buat KK harus pakai nama Dewi Lestariningsih",     # Indonesian, with a service word
    "nama salah kak, di KK tertulis Dewi Lestariningsih",
    "jenenge kleru, nang KK kudune Dewi Lestariningsih",              # ngoko
    "asmanipun lepat kagem KK, ingkang leres Dewi Lestariningsih",    # krama
    "nyamana sala, e KK se lerres Dewi Lestariningsih",               # Madurese
    "namane typo, Dewi Lestariningsih sing bener",                    # typo, the name first
])
def test_a_name_corrected_beside_a_service_word_changes_the_name_only(phone, schedule, rt, correction):
    play(phone, [*TO_SUMMARY,
                 (correction, "Nama: Dewi Lestariningsih", "KTP-el", "!Layanan saya ganti", "Cek lagi"),
                 ("1", "Terdaftar")])
    assert ticket_of(rt) == ("ktp", "Dewi Lestariningsih", "Ngerong", None)


@pytest.mark.parametrize("said", ["namanya salah buat KK", "jenenge kleru", "asmanipun lepat"])
def test_a_name_said_wrong_without_the_right_one_asks_it(phone, schedule, rt, said):
    play(phone, [*TO_SUMMARY, (said, "Nama", "!Layanan saya ganti"), ("Sumarti Rahayu", "Nama: Sumarti Rahayu"),
                 ("1", "Terdaftar")])
    assert ticket_of(rt)[:2] == ("ktp", "Sumarti Rahayu")


def purwosari_day() -> int:
    return (jakarta_today() + timedelta(days=24)).day


@pytest.mark.parametrize("said", ["tgl {d} aja", "sing tanggal {d} wae", "ingkang tanggal {d} mawon", "tanggal {d} bhai"])
def test_a_date_said_at_the_summary_changes_the_visit_and_keeps_the_answers(phone, schedule, rt, said):
    play(phone, [*TO_SUMMARY,
                 (said.format(d=purwosari_day()), "Purwosari", "Cek lagi", "Nama: Sumarti", "!Beralih", "!Jadwal Kenduren"),
                 ("1", "Terdaftar")])
    with rt.sessions() as s:
        assert s.scalars(select(Ticket.visit_id)).one() == schedule["purwosari"]


@pytest.mark.parametrize("no", ["gk", "gak jadi", "ora sido", "tetep sing mau", "mboten"])
def test_a_no_right_after_a_date_changed_in_one_step_puts_the_earlier_one_back(phone, schedule, rt, no):
    first = tanggal(jakarta_today() + timedelta(days=10))
    play(phone, [*TO_SUMMARY, (f"tgl {purwosari_day()} aja", "Purwosari", "Cek lagi"),
                 (no, "kembali ke Kenduren Mas di Gempol", first, "Nama: Sumarti", "Cek lagi", "!Menu"),
                 ("1", "Terdaftar")])
    with rt.sessions() as s:
        assert s.scalars(select(Ticket.visit_id)).one() == schedule["gempol"]


@pytest.mark.parametrize("yes,relation", [
    ("Nggih, daftaraken kagem garwa kula", "pasangan"),      # krama
    ("iyo, daftarno kanggo bojoku", "pasangan"),             # ngoko
    ("ya, daftarkan untuk ibu saya", "ibu"),                 # Indonesian
])
def test_a_yes_saying_for_whom_registers_with_the_name_kept(phone, schedule, rt, yes, relation):
    play(phone, [*TO_SUMMARY, (yes, "Terdaftar", "!Daftaraken", "!Daftarno")])
    assert ticket_of(rt) == ("ktp", "Sumarti", "Ngerong", relation)


@pytest.mark.parametrize("yes", ["nggih, nanging mboten usah dipun engetaken",   # krama, no register verb
                                 "iya, tapi gak usah diingetin",                 # Indonesian
                                 "iyo, ning ojo dikabari yo"])                   # ngoko
def test_a_yes_declining_reminders_registers_and_stops_nothing(phone, schedule, rt, yes):
    play(phone, [*TO_SUMMARY, (yes, "Terdaftar", "!tidak akan menerima pengingat", "!MULAI")])
    with rt.sessions() as s:
        assert s.scalars(select(Ticket)).one() is not None
        assert list(s.scalars(select(Subscription))) == []


@pytest.mark.parametrize("not_a_name", ["sek lur", "kan udh tadi", "rekam baru", "wis tak kandani mau"])
def test_filler_at_the_name_question_is_asked_again(phone, schedule, rt, not_a_name):
    play(phone, [("daftar ktp", "kecamatan mana"), ("gempol", "1."), ("1", "Nama"),
                 (not_a_name, "nama lengkap", "!Desa/kelurahan"), ("Sumarti", "Desa"), ("ngerong", "catatan"),
                 ("-", "Nama: Sumarti"), ("1", "Terdaftar")])
    assert ticket_of(rt)[1] == "Sumarti"


@pytest.mark.parametrize("skip", ["ta' tadha'", "ta' bedeh", "yaudh lewati", "iyo wis bener", "nggih sampun leres"])
def test_skip_and_agreeing_words_at_the_note_are_never_stored(phone, schedule, rt, skip):
    play(phone, [("daftar ktp", "kecamatan mana"), ("gempol", "1."), ("1", "Nama"), ("Sumarti", "Desa"),
                 ("ngerong", "catatan"), (skip, "Catatan: -"), ("1", "Terdaftar")])
    with rt.sessions() as s:
        assert s.scalars(select(Ticket.catatan)).one() is None


@pytest.mark.parametrize("answer,name,relation", [
    ("almarhum suami sy, Slamet Riyadi", "Slamet Riyadi", "suami"),   # a status word before the name
    ("almarhumah ibu kula, Tumini", "Tumini", "ibu"),                 # krama
    ("Moch. Ilham Firmansyah", "Moch. Ilham Firmansyah", None),        # an abbreviation's dot ends no sentence
    ("Hj. Siti Maimunah", "Hj. Siti Maimunah", None),
])
def test_titles_and_abbreviations_at_the_name_question(phone, schedule, rt, answer, name, relation):
    play(phone, [("daftar kk", "kecamatan mana"), ("gempol", "1."), ("1", "Nama"), (answer, "Desa"),
                 ("ngerong", "catatan"), ("-", f"Nama: {name}"), ("1", "Terdaftar")])
    assert ticket_of(rt) == ("kk", name, "Ngerong", relation)
