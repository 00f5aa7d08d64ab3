"""Changing the service at the registration summary, through the signed webhook (SQLite and PostgreSQL):
"ganti layanan", "salah, maksudku KK", "sanes KTP, KIA" change the service and keep the other answers
where they still apply (a KIA is a child's: the child's name is asked)."""

import pytest
from sqlalchemy import select

from storage.models import Ticket
from tests.handlers.test_flows import play, schedule  # noqa: F401  (fixtures)

TO_SUMMARY = [("daftar ktp", "KTP-el", "kecamatan mana"), ("gempol", "1."), ("1", "Nama"), ("Sumarti", "Desa"),
              ("ngerong", "catatan"), ("-", "Cek lagi", "KTP-el")]


def ticket_of(rt) -> Ticket:
    with rt.sessions() as s:
        ticket = s.scalars(select(Ticket)).one()
        return ticket.layanan.key, ticket.nama, ticket.desa.nama, ticket.relasi


@pytest.mark.parametrize("correction,service,key", [
    ("salah, maksudku KK", "Kartu Keluarga", "kk"),                   # ngoko
    ("bukan ktp tapi akta kelahiran", "Akta kelahiran", "akta"),      # Indonesian
    ("lepat, sanes KTP, KK", "Kartu Keluarga", "kk"),                 # krama
    ("banne ktp, kk", "Kartu Keluarga", "kk"),                        # Madurese
])
def test_another_service_named_at_the_summary_keeps_the_other_answers(phone, schedule, rt, correction, service, key):
    play(phone, [*TO_SUMMARY,
                 (correction, service, "Layanan saya ganti", "Nama: Sumarti", "Desa Ngerong", "Cek lagi",
                  "!Nama lengkap", "!Desa/kelurahan Anda"),
                 ("1", "Terdaftar")])
    assert ticket_of(rt) == (key, "Sumarti", "Ngerong", None)


def test_ganti_layanan_shows_the_list_then_comes_back_to_the_summary(phone, schedule, rt):
    play(phone, [*TO_SUMMARY,
                 ("ganti layanan", "Layanan apa", "Kartu Keluarga (KK)"),
                 ("kk", "Layanan saya ganti", "Nama: Sumarti", "Cek lagi"),
                 ("ya daftarkan", "Terdaftar")])
    assert ticket_of(rt) == ("kk", "Sumarti", "Ngerong", None)


def test_ubah_then_layanan_by_number(phone, schedule, rt):
    play(phone, [*TO_SUMMARY, ("2", "Apa yang ingin diubah", "5. Layanan"), ("5", "Layanan apa"),
                 ("3", "Kartu Keluarga", "Cek lagi"), ("1", "Terdaftar")])
    assert ticket_of(rt)[0] == "kk"


def test_sanes_ktp_kia_asks_the_childs_name_and_keeps_the_desa(phone, schedule, rt):
    play(phone, [*TO_SUMMARY,
                 ("sanes KTP, KIA", "Kartu Identitas Anak", "Nama anak"),
                 ("Raka Pratama", "Cek lagi", "Nama: Raka Pratama", "Desa Ngerong"),
                 ("nggih", "Terdaftar")])
    assert ticket_of(rt) == ("kia", "Raka Pratama", "Ngerong", "anak")
