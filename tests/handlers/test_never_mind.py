"""Never-mind words, closings and ratings a resident actually types, through the signed webhook
(SQLite and PostgreSQL): none of them may opt the resident out of reminders or start another flow."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from storage.models import Resident, SurveyResponse, Ticket
from tests.handlers.test_flows import petugas, play, schedule  # noqa: F401  (fixtures)
from tests.whatsapp import Phone


def resident(rt) -> Resident:
    with rt.sessions() as s:
        return s.scalars(select(Resident).options(selectinload(Resident.subscriptions))).one()


def test_gak_usah_mid_flow_is_no_opt_out(phone, schedule, rt):
    play(phone, [
        ("mau daftar ktp", "KTP-el", "kecamatan mana"),
        # the recogniser is 0.99 sure a bare "nggak usah" is berhenti; mid-flow it is an answer gone wrong
        ("nggak usah", "!tidak akan menerima pengingat", "Balas dengan angka"),  # dropped: back to the menu
        ("mau daftar ktp", "KTP-el", "kecamatan mana"),
        ("ora ono", "!tidak akan menerima pengingat", "kecamatan"),  # "there is none" is asked again
        ("ndak usah", "!tidak akan menerima pengingat", "Balas dengan angka"),
        ("ingatkan aku kenduren mas gempol", "Setuju?"), ("ya", "Siap"),
        ("mau daftar ktp", "KTP-el", "1. Daftar untuk tanggal ini"),
        ("gak usah", "!tidak akan menerima pengingat"),
    ])
    r = resident(rt)
    assert r.opted_out_at is None and r.subscriptions


def test_cukup_at_the_survey_comment_is_a_skip_not_an_opt_out(phone, schedule, petugas, rt, wa_client):
    play(phone, [("ingatkan aku kenduren mas gempol", "Setuju?"), ("ya", "Siap"),
                 ("daftar ktp", "KTP-el", "Gempol", "1."), ("1", "Nama"), ("1", "Desa"), ("gempol", "catatan"),
                 ("-", "Cek lagi"), ("1", "Terdaftar")])
    with rt.sessions() as s:
        kode = s.scalars(select(Ticket.kode)).one()
    assert "ditutup" in Phone(wa_client, "+6281298765432", "Rina").say(f"#{kode} selesai ya")
    play(phone, [("mantep pol pelayanane", "Ada saran"), ("cukup", "Terima kasih atas penilaian",
                                                           "!tidak akan menerima pengingat")])
    with rt.sessions() as s:
        survey = s.scalars(select(SurveyResponse)).one()
        assert (survey.rating, survey.comment) == (5, None)
    assert resident(rt).opted_out_at is None


def test_thanks_as_people_write_them_get_a_kind_word(phone, schedule):
    play(phone, [
        ("kapan kenduren mas", "Ketik nama kecamatan"),
        ("suwun sanget", "Sama-sama", "!belum saya kenali"),
        ("gempol", "Kecamatan Gempol"),
        ("yowis suwun", "Sama-sama", "!Halo"),
        ("terima kasih banyak", "Sama-sama"),
    ])


def test_no_at_the_registration_summary_asks_what_to_change_and_drops_nothing(phone, schedule, rt):
    play(phone, [("daftar ktp", "KTP-el"), ("gempol", "1."), ("1", "Nama"), ("1", "Desa"), ("gempol", "catatan"),
                 ("-", "Cek lagi"),
                 ("gak", "diubah", "!saya hentikan"),  # "not right" changes something; only *Batal* drops it
                 ("nama", "Nama"), ("Sumarti Wulandari", "Cek lagi", "Sumarti Wulandari"),
                 ("ya daftarkan", "Terdaftar")])
    with rt.sessions() as s:
        assert len(s.scalars(select(Ticket)).all()) == 1


def test_a_resident_who_forgot_their_desa_is_shown_the_kecamatans_list(phone, schedule, rt):
    play(phone, [("daftar ktp", "KTP-el"), ("gempol", "1."), ("1", "Nama"), ("1", "Desa"),
                 ("saya lupa nama desanya", "tidak saya temukan di Kecamatan Gempol", "Ngerong", "Wonosunyo",
                  "!Kalisat"),  # only Gempol's own
                 ("ngerong", "catatan")])


def test_every_kecamatans_desa_list_fits_one_message():
    from core.nlu import build_recogniser
    from catalogue import render_say
    from flows.engine import say

    nlu = build_recogniser()
    for kecamatan in nlu.places.kecamatan_names:
        names = nlu.desa_in(kecamatan)
        assert names, kecamatan
        text = render_say(say("places.desa_not_found_in", kecamatan=kecamatan, names=", ".join(names)))
        assert len(text) < 1600, (kecamatan, len(text))


def test_a_yes_with_thanks_at_the_registration_summary_registers(phone, schedule, rt):
    """"nggih, matur suwun" at "Cek lagi" is a yes said politely: it registers (it once only got "Sama-sama"
    and the resident left believing they were registered); thanks first ("suwun nggih") stays thanks."""
    play(phone, [("daftar ktp", "KTP-el"), ("gempol", "1."), ("1", "Nama"), ("1", "Desa"), ("gempol", "catatan"),
                 ("-", "Cek lagi"), ("suwun nggih", "Sama-sama", "!Terdaftar"),
                 ("enggih, matur suwun sanget", "Terdaftar")])
    with rt.sessions() as s:
        assert len(s.scalars(select(Ticket)).all()) == 1
