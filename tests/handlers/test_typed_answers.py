"""Answers in words, through the signed webhook on SQLite and PostgreSQL: the issue's cases."""

from sqlalchemy import select

from storage.models import Proposal, Resident, Ticket
from tests.handlers.test_flows import petugas, play, schedule  # noqa: F401  (fixtures)


def test_register_with_option_words_and_a_skip(phone, schedule, petugas, rt):
    play(phone, [
        ("mau bikin ktp", "KTP-el", "kecamatan mana"),
        ("gempol", "1. Daftar untuk tanggal ini"),
        ("pilih tanggal lain", "Pilih jadwal", "Kec. Purwosari"),
        ("purwosari", "Nama sesuai KK?"),
        # Home (Gempol) and the visit (Purwosari) are two things; a desa anywhere is taken.
        ("nggih", "Desa/kelurahan Anda di Kecamatan Gempol"),
        ("martopuro", "catatan untuk petugas"),
        ("lewati", "Cek lagi ya", "Catatan: -"),
        ("ubah nama", "Nama sesuai KK?"),
        ("Sumarti Wulandari", "Cek lagi ya", "Nama: Sumarti Wulandari"),
        ("ya daftarkan", "Terdaftar. Kode tiket: *KM-"),
    ])
    with rt.sessions() as s:
        ticket = s.scalars(select(Ticket)).one()
        assert ticket.catatan is None and ticket.nama == "Sumarti Wulandari"
        assert ticket.visit.kecamatan.nama == "Purwosari"


def test_numbers_in_words_and_emoji(phone, schedule):
    play(phone, [
        ("menu", "Balas dengan angka"),
        ("siji", "Jadwal Kenduren Mas berikutnya"),
        ("menu", "Balas dengan angka"),
        ("nomer 5", "Pengingat untuk kecamatan mana"),
        ("menu", "Balas dengan angka"),
        ("4️⃣", "Belum ada tiket"),
    ])


def test_proposal_skip_words_are_never_the_description(phone, schedule, rt):
    play(phone, [
        ("dalan nang desaku rusak parah pak, martopuro", "*Desa Martopuro, Kec. Purwosari*"),
        ("iyo", "berapa *meter*"),
        ("ndak ngerti", "foto atau titik lokasi"),
        ("gak onok foto", "tercatat"),
    ])
    with rt.sessions() as s:
        proposal = s.scalars(select(Proposal)).one()
        assert proposal.deskripsi == "dalan nang desaku rusak parah pak, martopuro"


def test_support_and_erase_in_words(wa_client, phone, schedule, rt):
    from tests.whatsapp import Phone

    first = Phone(wa_client, "+6281111111111", "Pak Darto")
    play(first, [("jalan di martopuro rusak parah banyak lubang", "Martopuro"), ("1", "berapa"), ("200", "foto"),
                 ("lewati", "tercatat")])
    play(phone, [
        ("dalan nang martopuro rusak parah", "Martopuro"),
        ("nggih", "Sudah ada usulan serupa"),
        ("dukung", "Dukungan Anda", "(2 pendukung)"),
        ("hapus data saya", "Hapus data pribadi"),
        ("ga jadi wis", "tidak dihapus"),
        ("hapus data saya", "Hapus data pribadi"),
        ("iyo hapusen", "sudah dihapus"),
    ])
    with rt.sessions() as s:
        assert s.scalars(select(Resident).where(Resident.erased_at.is_not(None))).one()


def test_rating_in_words(phone, schedule, petugas, rt, wa_client):
    from storage.models import SurveyResponse
    from tests.whatsapp import Phone

    play(phone, [("daftar ktp", "KTP-el"), ("gempol", "1."), ("1", "Nama"), ("1", "Desa"), ("gempol", "catatan"),
                 ("-", "Cek lagi"), ("1", "Terdaftar")])
    with rt.sessions() as s:
        kode = s.scalars(select(Ticket.kode)).one()
    assert "ditutup" in Phone(wa_client, "+6281298765432", "Rina").say(f"#{kode} selesai ya")
    play(phone, [("apik pol", "Ada saran"), ("gak ada", "Terima kasih atas penilaian")])
    with rt.sessions() as s:
        survey = s.scalars(select(SurveyResponse)).one()
        assert (survey.rating, survey.comment) == (5, None)


def test_none_in_chat_spelling_is_never_the_note_and_a_wrapped_number_picks(phone, schedule, rt):
    play(phone, [
        ("menu", "Balas dengan angka"),
        ("yg 2 kak", "Layanan apa"),                # "Daftar layanan": the list of services
        ("ktp", "KTP-el", "kecamatan mana"),
        ("gempol", "1. Daftar untuk tanggal ini"),
        ("nomer 1 ae mbak", "Nama sesuai KK?"),
        ("1", "Desa/kelurahan"),
        ("gempol", "catatan"),
        ("GK AD KAK", "Cek lagi", "Catatan: -", "!GK AD"),
        ("1 wae, podo karo sing mau", "Terdaftar"),
    ])
    with rt.sessions() as s:
        assert s.scalars(select(Ticket)).one().catatan is None
