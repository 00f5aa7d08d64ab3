"""The residents' flows as readable transcripts: (resident line, text the bot's answer must contain).

Each runs through signed webhooks on a real database, on SQLite and PostgreSQL.
"""

import pytest
from sqlalchemy import select

from storage.models import Proposal, ProposalSupport, Resident, Staff, StaffRole, SurveyResponse, Ticket, Opd
from tests.whatsapp import Phone, add_visit


def play(phone: Phone, transcript):
    for line, *expected in transcript:
        answer = phone.say(line)
        for piece in expected:
            if piece.startswith("!"):
                assert piece[1:] not in answer, f"{line!r} → unexpected {piece[1:]!r} in:\n{answer}"
            else:
                assert piece in answer, f"{line!r} → expected {piece!r} in:\n{answer}"


@pytest.fixture
def schedule(rt):
    return {
        "gempol": add_visit(rt, "Gempol", 10),
        "purwosari": add_visit(rt, "Purwosari", 24),
        "bangil": add_visit(rt, "Bangil", 3, status="cancelled"),
        "bangil_new": add_visit(rt, "Bangil", 17),
    }


@pytest.fixture
def petugas(rt):
    with rt.sessions.begin() as s:
        opd = s.scalars(select(Opd).where(Opd.key == "dispendukcapil")).one()
        s.add(Staff(phone="+6281298765432", name="Bu Rina", role=StaffRole.PETUGAS, opd_id=opd.id))


def test_menu_by_numbers_alone(phone, schedule):
    play(phone, [
        ("P", "Halo Sumarti", "1. Jadwal Kenduren Mas", "6. Bicara dengan petugas", "MENU"),
        ("1", "Jadwal Kenduren Mas berikutnya", "Kecamatan Gempol"),
        ("9", "belum saya kenali"),
        ("menu", "Balas dengan angka"),
        ("4", "Belum ada tiket"),
    ])


def test_jadwal_with_misspelled_kecamatan(phone, schedule):
    play(phone, [
        ("kpn kenduren mas nang gempl?", "Kecamatan Gempol", "🕗 08.00–13.00 WIB", "📍 Kantor Kecamatan Gempol",
         "Dispendukcapil", "dan 10 dinas lain", "1. Daftar layanan untuk jadwal ini"),
    ])


def test_jadwal_shows_cancelled_visit_and_the_new_one(phone, schedule):
    play(phone, [("kapan ke bangil?", "DIBATALKAN", "Kecamatan Bangil")])


def test_jadwal_none_planned_offers_reminder(phone, schedule):
    play(phone, [
        ("jadwal kenduren mas di tosari kapan", "Belum ada jadwal", "Kecamatan Tosari", "1. Ingatkan saya"),
        ("1", "pengingat Kenduren Mas untuk *Kecamatan Tosari*", "Setuju?"),
        ("tosari", "pengingat Kenduren Mas untuk *Kecamatan Tosari*", "Setuju?", "!Belum ada jadwal"),
        ("1", "Siap, Anda akan diingatkan"),
    ])


def test_jadwal_from_location_pin(phone, schedule):
    # A point inside Kecamatan Gempol (desa Gempol's centroid area).
    answer = phone.say("", Latitude="-7.5530", Longitude="112.6950")
    assert "Kecamatan Gempol" in answer


def test_register_service_end_to_end(phone, schedule, petugas, rt):
    play(phone, [
        ("sy mw bikin ktp el", "*KTP-el* (Dispendukcapil)", "KK asli", "kecamatan mana"),
        ("purwosri", "Kenduren Mas berikutnya di Purwosari", "1. Daftar untuk tanggal ini"),
        ("1", "Nama sesuai KK?", "1. Sumarti"),
        ("1", "Desa/kelurahan Anda di Kecamatan Purwosari"),
        ("mrtopuro", "catatan untuk petugas"),
        ("1", "Cek lagi ya", "Nama: Sumarti — Desa Martopuro, Kec. Purwosari", "1. Ya, daftarkan"),
        ("1", "Terdaftar. Kode tiket: *KM-", "Petugas: Bu Rina (Dispendukcapil), WA 0812-9876-5432", "STATUS KM-"),
    ])
    with rt.sessions() as s:
        ticket = s.scalars(select(Ticket)).one()
        assert ticket.layanan.key == "ktp" and ticket.desa.nama == "Martopuro" and ticket.nama == "Sumarti"
        assert ticket.assigned_staff.name == "Bu Rina"
        assert [e.action for e in ticket.events] == ["dibuat"]
    play(phone, [(f"status {ticket.kode}", ticket.kode, "Terdaftar", "Bu Rina")])


def test_unconfirmed_requirements_are_said_with_care(phone, schedule):
    play(phone, [("mau KB gratis", "biasanya: KTP-el (tanyakan petugas)", "selesai di tempat")])


def test_ambiguous_desa_asks_which_kecamatan(phone, schedule, rt):
    play(phone, [
        ("mau daftar akta lahir", "Akta kelahiran", "kecamatan mana"),
        ("gempol", "Kenduren Mas berikutnya di Gempol"),
        ("2", "Pilih jadwal", "Kec. Purwosari"),
    ])
    # Kalirejo is a desa in four kecamatan; asked without a kecamatan filter in the proposal flow:
    play(phone, [
        ("menu", "Balas dengan angka"),
        ("3", "Usulannya tentang apa"),
        ("1", "untuk desa/kelurahan mana"),
        ("kalirejo", "beberapa Desa Kalirejo", "Kec. Bangil", "Kec. Kraton", "Kec. Sukorejo", "Kec. Gondangwetan"),
    ])


def test_batal_mid_flow_saves_nothing(phone, schedule, rt):
    play(phone, [
        ("mau urus kk", "Kartu Keluarga"),
        ("gempol", "1. Daftar untuk tanggal ini"),
        ("batal", "saya hentikan", "tidak ada yang disimpan", "Balas dengan angka"),
    ])
    with rt.sessions() as s:
        assert s.scalars(select(Ticket)).all() == []


def test_nik_typed_is_stored_masked_only(phone, schedule, rt):
    play(phone, [
        ("daftar ktp", "KTP-el"),
        ("gempol", "1. Daftar"),
        ("1", "Nama sesuai KK"),
        ("Siti Aminah 3514012345678901", "tidak memerlukan NIK", "Desa/kelurahan"),
        ("gempol", "catatan"),
        ("1", "Nama: Siti Aminah"),
        ("1", "Terdaftar"),
    ])
    with rt.sessions() as s:
        ticket = s.scalars(select(Ticket)).one()
        assert ticket.nik_masked == "3514********8901" and ticket.nama == "Siti Aminah"


def test_duplicate_proposal_is_offered_for_support(wa_client, schedule, rt):
    first = Phone(wa_client, "+6281111111111", "Pak Darto")
    play(first, [
        ("dalan nang desaku rusak parah pak, martopuro", "Terima kasih sudah peduli desa", "*jalan rusak*",
         "*Desa Martopuro, Kec. Purwosari*"),
        ("1", "berapa *meter*"),
        ("kiro-kiro 300an meter", "foto atau titik lokasi"),
        ("1", "Usulan *jalan rusak* untuk Desa Martopuro tercatat", "Kode: *US-", "Musrenbang"),
    ])
    second = Phone(wa_client, "+6282222222222", "Bu Ani")
    play(second, [
        ("jalan di martopuro rusak parah banyak lubang", "*Desa Martopuro, Kec. Purwosari*"),
        ("1", "Sudah ada usulan serupa", "(1 pendukung)", "2. Usulan saya berbeda"),
        ("1", "Dukungan Anda", "(2 pendukung)"),
    ])
    with rt.sessions() as s:
        proposal = s.scalars(select(Proposal)).one()
        assert proposal.support_count == 2
        assert (proposal.volume, proposal.satuan) == (300, "meter")  # "kiro-kiro 300an meter"
        assert len(s.scalars(select(ProposalSupport)).all()) == 2


def test_someone_elses_code_reveals_nothing(wa_client, schedule, rt):
    owner = Phone(wa_client, "+6281111111111", "Pak Darto")
    play(owner, [("dalan rusak parah nang martopuro", "Martopuro"), ("1", "berapa"), ("lewati", "foto"),
                 ("1", "Kode: *US-")])
    with rt.sessions() as s:
        kode = s.scalars(select(Proposal.kode)).one()
    other = Phone(wa_client, "+6283333333333", "Orang Lain")
    answer = other.say(f"status {kode}")
    assert f"Kode {kode} tidak ditemukan untuk nomor ini" in answer
    assert "Martopuro" not in answer and "Darto" not in answer
    assert "Martopuro" in owner.say(f"cek status {kode}")


def test_opt_out_then_opt_in(phone, schedule, rt):
    play(phone, [
        ("ingatkan saya kalau kenduren mas ke gempol", "*Kecamatan Gempol*", "Setuju?"),
        ("1", "Siap"),
        ("ojok kirim pesen maneh", "tidak akan menerima pengingat lagi", "MULAI"),
    ])
    with rt.sessions() as s:
        r = s.scalars(select(Resident)).one()
        assert r.opted_out_at is not None and r.subscribed_at is not None
    play(phone, [("mulai", "*Kecamatan Gempol*", "Setuju?"), ("1", "Siap")])
    with rt.sessions() as s:
        r = s.scalars(select(Resident)).one()
        assert r.opted_out_at is None and [x.kecamatan.nama for x in r.subscriptions] == ["Gempol"]


def test_stop_works_in_the_middle_of_a_flow(phone, schedule, rt):
    play(phone, [("daftar ktp", "KTP-el"), ("STOP", "tidak akan menerima pengingat")])
    with rt.sessions() as s:
        assert s.scalars(select(Resident)).one().opted_out_at is not None


def test_timeout_mid_flow(phone, schedule, rt):
    from datetime import timedelta

    from storage.models import Conversation

    play(phone, [("mau urus akta", "Akta kelahiran"), ("gempol", "1. Daftar")])
    with rt.sessions.begin() as s:
        s.scalars(select(Conversation)).one().updated_at -= timedelta(minutes=45)
    play(phone, [("1", "lewat 30 menit", "pendaftaran layanan")])


def test_erase_my_data(phone, schedule, rt):
    play(phone, [
        ("dalan rusak parah nang martopuro", "Martopuro"), ("1", "berapa"), ("gak ngerti", "foto"), ("1", "Kode"),
        ("hapus data saya", "Hapus data pribadi", "1. Ya, hapus data saya"),
        ("1", "sudah dihapus"),
    ])
    with rt.sessions() as s:
        erased = s.scalars(select(Resident).where(Resident.erased_at.is_not(None))).one()
        assert erased.phone is None and erased.name is None
        assert s.scalars(select(Proposal)).one().deskripsi  # the proposal stays, anonymised


def test_survey_after_ticket_closed(phone, schedule, petugas, rt, wa_client):
    play(phone, [("daftar ktp", "KTP-el"), ("gempol", "1."), ("1", "Nama"), ("1", "Desa"), ("gempol", "catatan"),
                 ("1", "Cek lagi"), ("1", "Terdaftar")])
    with rt.sessions() as s:
        kode = s.scalars(select(Ticket.kode)).one()
    officer = Phone(wa_client, "+6281298765432", "Rina")
    assert "ditutup" in officer.say(f"#{kode} selesai ya KTP sudah jadi")
    play(phone, [("5", "Ada saran"), ("mantap pelayanannya", "Terima kasih atas penilaian")])
    with rt.sessions() as s:
        survey = s.scalars(select(SurveyResponse)).one()
        assert (survey.rating, survey.comment) == (5, "mantap pelayanannya")
        assert survey.opd_id == s.scalars(select(Ticket.opd_id)).one()


def test_unsure_kecamatan_is_asked_back_never_guessed(phone, schedule):
    play(phone, [
        ("mau urus kk", "Kartu Keluarga", "kecamatan mana"),
        ("gmpl", "Maksudnya *Kecamatan Gempol*?", "1. Ya", "2. Bukan"),
        ("2", "ketik lagi nama kecamatannya"),
        ("gmpl", "Maksudnya *Kecamatan Gempol*?"),
        ("1", "Kenduren Mas berikutnya di Gempol"),
    ])
    play(phone, [
        ("batal", "saya hentikan"),
        ("ingatkan saya", "kecamatan mana"),
        ("pandan", "Maksudnya *Kecamatan Pandaan*?"),
        ("1", "*Kecamatan Pandaan*", "Setuju?"),
    ])


def test_proposal_naming_an_ambiguous_desa_asks_the_kecamatan(phone, schedule, rt):
    play(phone, [
        ("dalan nang desaku rusak parah pak, kalirejo", "beberapa Desa Kalirejo", "Kec. Bangil", "Kec. Kraton"),
        ("2", "berapa *meter*"),
        ("sak kilo", "angka"),
        ("1 km", "foto atau titik lokasi"),
        ("1", "Usulan *jalan rusak* untuk Desa Kalirejo tercatat"),
    ])
    with rt.sessions() as s:
        proposal = s.scalars(select(Proposal)).one()
        assert proposal.desa.kecamatan.nama in {"Bangil", "Kraton", "Sukorejo", "Gondangwetan"}


def test_twice_not_understood_without_any_petugas_keeps_the_residents_place(phone, schedule, rt):
    play(phone, [
        ("daftar ktp", "KTP-el"),
        ("gempol", "1. Daftar untuk tanggal ini"),
        ("1", "Nama sesuai KK"),
        ("1", "Desa/kelurahan"),
        ("zzz", "tidak saya temukan"),
        ("qqq", "Mau saya hubungkan dengan petugas?", "1. Ya, hubungkan petugas", "2. Kembali ke menu",
         "!belum ada petugas"),
        ("gempol", "catatan untuk petugas"),
    ])
    with rt.sessions() as s:
        assert s.scalars(select(Ticket)).all() == []  # nobody asked for a petugas: no ticket


def test_when_and_where_questions(phone, schedule, rt):
    play(phone, [("minggu depan di mana?", "Jadwal Kenduren Mas berikutnya", "Kecamatan Gempol", "Kecamatan Bangil")])
    play(phone, [("hari ini kenduren mas di mana?", "Hari ini tidak ada Kenduren Mas", "Kecamatan Gempol")])
    today = add_visit(rt, "Rembang", 0)
    assert today
    play(phone, [("hari ini kenduren mas di mana?", "Hari ini Kenduren Mas ada di sini", "Kecamatan Rembang")])


def test_residents_own_kecamatan_comes_first(phone, schedule, rt):
    play(phone, [("ingatkan saya jadwal purwosari", "Setuju?"), ("1", "Siap")])
    play(phone, [("kapan kenduren mas datang?", "Kecamatan Purwosari", "!Jadwal Kenduren Mas berikutnya")])


def test_sms_replies_are_plain_text(wa_client, schedule, rt):
    sms = Phone(wa_client, "+6281234567000", None)
    text = sms.say("P", From="+6281234567000")  # its replies go over REST, as numbered text
    assert "Kenduren Mas" in text and "*" not in text


def test_proposal_with_photo_and_location(phone, schedule, rt):
    play(phone, [("jembatan di martopuro ambrol kena banjir", "*Desa Martopuro, Kec. Purwosari*"), ("1", "berapa"),
                 ("skip", "foto")])
    answer = phone.say("", NumMedia="1", MediaUrl0="https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1",
                       MediaContentType0="image/jpeg")
    assert "tercatat" in answer
    with rt.sessions() as s:
        proposal = s.scalars(select(Proposal)).one()
        assert proposal.kategori == "jembatan" and proposal.media_url.endswith("/Media/ME1")
    play(phone, [("lampu jalan mati di desa martopuro sudah sebulan", "Martopuro"), ("1", "berapa *titik*"),
                 ("lampune mati telu", "foto")])
    assert "tercatat" in phone.say("", Latitude="-7.7601", Longitude="112.7302")
    with rt.sessions() as s:
        lamp = s.scalars(select(Proposal).where(Proposal.kategori == "lampu_jalan")).one()
        assert (lamp.lat, lamp.lng) == (-7.7601, 112.7302)
