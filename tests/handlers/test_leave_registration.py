"""Leaving a registration mid-way in residents' words, through the signed webhook (SQLite and PostgreSQL):
"batal dulu, belum mau daftar", "gak sido ndaftar sik", "mboten sios ndaftar rumiyin", "batal aja lah" drop
the registration kindly and touch nothing else — no question about stopping reminders or erasing data,
and a ticket already held stays as it was."""

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from storage.models import Resident, Ticket, TicketStatus
from tests.handlers.test_flows import play, schedule  # noqa: F401  (fixtures)

LEFT = "pendaftaran yang belum selesai tadi tidak saya lanjutkan"
NOTHING_ELSE = "tidak ada yang saya ubah"
NOT_ASKED = ("!Berhenti menerima pengingat", "!Hapus data", "!Nama lengkap", "!Desa/kelurahan", "!dibatalkan")

NEVER_MINDS = [
    "batal dulu, belum mau daftar",       # Indonesian
    "gak sido ndaftar sik",               # ngoko
    "mboten sios ndaftar rumiyin",        # krama
    "batal aja lah",
    "ta' jadi daftar, engkok bhai",       # Madurese
    "btal aj",                            # typo
    "ngapunten, mboten sios nggih",
]


@pytest.mark.parametrize("never_mind", NEVER_MINDS)
def test_never_mind_at_the_name_drops_only_the_registration(phone, schedule, rt, never_mind):
    play(phone, [
        ("ingatkan aku kenduren mas gempol", "Setuju?"), ("ya", "Siap"),
        ("daftar ktp", "KTP-el", "1."), ("1", "Nama"),
        (never_mind, LEFT, NOTHING_ELSE, *NOT_ASKED),
        # nothing was stored as a name, and the next message starts afresh
        ("kapan kenduren mas ke gempol", "Gempol", "!Nama"),
    ])
    with rt.sessions() as s:
        r = s.scalars(select(Resident).options(selectinload(Resident.subscriptions))).one()
        assert r.opted_out_at is None and len(r.subscriptions) == 1
        assert s.scalars(select(Ticket)).all() == []


@pytest.mark.parametrize("never_mind,where", [
    ("gak jadi daftar dulu ya", ("daftar kk", "Kartu Keluarga", "kecamatan mana")),     # at the kecamatan
    ("batal dulu, belum mau daftar", ("1", "Desa")),                                     # at the desa
])
def test_never_mind_at_other_steps(phone, schedule, rt, never_mind, where):
    steps = [("daftar kk", "Kartu Keluarga", "kecamatan mana")]
    if where[0] == "1":
        steps += [("gempol", "1."), ("1", "Nama"), where]
    play(phone, [*steps, (never_mind, LEFT, NOTHING_ELSE, *NOT_ASKED)])
    with rt.sessions() as s:
        assert s.scalars(select(Ticket)).all() == []


@pytest.mark.parametrize("never_mind", ["gak sido ndaftar sik", "batal aja lah", "mboten sios ndaftar rumiyin"])
def test_a_ticket_already_held_is_never_cancelled_by_leaving_a_new_registration(phone, schedule, rt, never_mind):
    play(phone, [("daftar ktp", "KTP-el", "kecamatan mana"), ("gempol", "1."), ("1", "Nama"), ("Sumarti", "Desa"),
                 ("ngerong", "catatan"),
                 ("-", "Cek lagi"), ("1", "Terdaftar")])
    play(phone, [("daftar kk", "Kartu Keluarga", "1."), ("1", "Nama"),
                 (never_mind, LEFT, "Tiket yang sudah ada tetap berlaku", NOTHING_ELSE, *NOT_ASKED)])
    with rt.sessions() as s:
        ticket = s.scalars(select(Ticket)).one()
        assert ticket.status != TicketStatus.DIBATALKAN


@pytest.mark.parametrize("never_mind", ["gak sido ndaftar sik", "batal dulu, belum mau daftar", "mboten sios ndaftar rumiyin"])
def test_without_a_ticket_leaving_says_nothing_of_tickets(phone, schedule, rt, never_mind):
    play(phone, [("daftar kk", "Kartu Keluarga", "kecamatan mana"), ("gempol", "1."), ("1", "Nama"),
                 (never_mind, LEFT, NOTHING_ELSE, "!Tiket yang sudah ada")])
