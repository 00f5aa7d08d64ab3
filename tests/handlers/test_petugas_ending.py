"""A petugas ending a chat, through the signed webhook (SQLite and PostgreSQL): "#KODE tutup" ends
the conversation and leaves a registration standing, "selesai" on a registration whose visit is
still ahead is asked first, a chat that is only a chat simply ends, the command word never reaches
the resident, and `tiket` fits one screen, paged."""

import pytest
from sqlalchemy import select

from storage.models import Conversation, OutboxMessage, Ticket
from tests.handlers.test_staff_side import RINA, add_staff, outbox, register
from tests.whatsapp import Phone, add_visit


@pytest.fixture
def rina(wa_client, rt):
    add_visit(rt, "Gempol", 10)
    add_staff(rt, RINA, "Bu Rina", "dispendukcapil")
    return Phone(wa_client, RINA, "Rina")


def ticket_of(rt, kode) -> Ticket:
    with rt.sessions() as s:
        return s.scalars(select(Ticket).where(Ticket.kode == kode)).one()


def held(rt) -> int | None:
    with rt.sessions() as s:
        return s.scalars(select(Conversation)).one().handoff_ticket_id


def test_selesai_on_a_registration_still_ahead_is_asked_and_tutup_ends_only_the_chat(phone, rina, rt):
    kode = register(phone)
    assert "petugas" in phone.say("saya mau tanya petugas soal KTP saya")
    assert "Terkirim" in rina.say(f"#{kode} Bisa Bu, bawa KK asli saja")
    phone.say("oh nggih matur nuwun")
    sent = len(outbox(rt, phone.number))
    asked = rina.say(f"#{kode} selesai")
    assert "belum berlangsung" in asked and f"#{kode} tutup" in asked and f"#{kode} selesai ya" in asked
    assert ticket_of(rt, kode).status == "baru" and len(outbox(rt, phone.number)) == sent  # the resident hears nothing
    assert "Obrolan" in rina.say(f"#{kode} tutup")
    assert ticket_of(rt, kode).status == "baru"  # the registration stands
    assert held(rt) is None
    told = outbox(rt, phone.number)[-1]
    assert "sudah diakhiri" in told and "Pendaftaran *KTP-el* Anda tetap berlaku untuk kunjungan" in told
    assert not any("Balas 1 (buruk)" in m for m in outbox(rt, phone.number))  # no survey: nothing was finished
    assert "Kecamatan Gempol" in phone.say("kapan kenduren mas ke gempol")  # the bot answers again


def test_selesai_ya_finishes_the_service(phone, rina, rt):
    kode = register(phone)
    assert "ditutup" in rina.say(f"#{kode} selesai ya KTP-el sudah dicetak")
    assert ticket_of(rt, kode).status == "selesai"
    assert "KTP-el sudah dicetak" in outbox(rt, phone.number)[-2]


@pytest.mark.parametrize("word", ["selesai", "tutup", "Tutup"])
def test_a_chat_that_is_only_a_chat_simply_ends(wa_client, phone, rt, word):
    add_staff(rt, RINA, "Bu Rina", "diskominfo")
    rina = Phone(wa_client, RINA, "Rina")
    phone.say("aku njaluk ngomong karo petugas")
    kode = ticket_of_resident(rt)
    assert "ditutup" in rina.say(f"#{kode} {word}")
    assert ticket_of(rt, kode).status == "selesai"
    assert "Percakapan dengan petugas" in outbox(rt, phone.number)[-2]


def ticket_of_resident(rt) -> str:
    with rt.sessions() as s:
        return s.scalars(select(Ticket)).one().kode


@pytest.mark.parametrize("typed, relayed", [
    ("pesan Selamat pagi", "Selamat pagi"),
    ("Pesan: Selamat pagi Bu", "Selamat pagi Bu"),
    ("balas Nggih Bu, bawa KK asli", "Nggih Bu, bawa KK asli"),
    ("pesan Anda sudah kami terima", "pesan Anda sudah kami terima"),  # the sentence goes on: kept whole
    ("Selamat pagi", "Selamat pagi"),
])
def test_the_command_word_never_reaches_the_resident(phone, rina, rt, typed, relayed):
    kode = register(phone)
    assert "Terkirim" in rina.say(f"#{kode} {typed}")
    assert outbox(rt, phone.number)[-1] == f"👤 Bu Rina (Dispendukcapil): {relayed}"


def test_tiket_fits_one_screen_and_pages(wa_client, rina, rt):
    codes = [register(Phone(wa_client, f"+62812345678{n:02d}", f"Warga Nomor {n}")) for n in range(7)]
    first = rina.say("tiket")
    lines = [line for line in first.splitlines() if line.startswith("• ")]
    assert len(lines) == 5 and len(first) <= 500 and len(first.splitlines()) <= 8
    assert "1–5 dari 7" in first and "tiket 2" in first
    second = rina.say("tiket 2")
    assert "6–7 dari 7" in second and "tiket 3" not in second
    shown = "".join([first, second])
    assert all(c in shown for c in codes)
    assert "halaman 9" in rina.say("tiket 9")


@pytest.mark.parametrize("words", ["selesai dulu ya, nanti saya kabari", "tutup dulu, berkasnya menunggu dari desa"])
def test_done_talking_while_the_case_goes_on_keeps_the_ticket_open(wa_client, phone, rt, words):
    add_staff(rt, RINA, "Bu Rina", "diskominfo")
    rina = Phone(wa_client, RINA, "Rina")
    phone.say("aku njaluk ngomong karo petugas")
    kode = ticket_of_resident(rt)
    assert "tetap terbuka" in rina.say(f"#{kode} {words}")
    assert ticket_of(rt, kode).status == "baru" and held(rt) is None
    assert "diakhiri untuk sekarang" in outbox(rt, phone.number)[-1]


@pytest.mark.parametrize("words", [
    "KTP-el Ibu sudah bisa diambil besok, saya tutup ya",
    "sudah beres nggih bu, kula tutup",            # krama
    "wis rampung, tak tutup yo",                   # ngoko
    "oke selesai ya bu",
    "beres, ditutup dulu nggih",
])
def test_closing_said_in_free_text_is_asked_never_relayed(phone, rina, rt, words):
    kode = register(phone)
    phone.say("saya mau tanya petugas soal KTP saya")
    sent, before = len(outbox(rt, phone.number)), held(rt)
    asked = rina.say(f"#{kode} {words}")
    assert "BELUM saya kirim" in asked and f"#{kode} tutup" in asked and f"#{kode} selesai" in asked
    assert f"#{kode} pesan" in asked
    assert len(outbox(rt, phone.number)) == sent  # nothing of it reached the resident
    assert ticket_of(rt, kode).status == "baru" and held(rt) == before  # nothing changed either
    assert "Obrolan" in rina.say(f"#{kode} tutup")  # the command does it


def test_a_message_that_mentions_closing_hours_is_sent_and_pesan_forces_a_send(phone, rina, rt):
    kode = register(phone)
    phone.say("saya mau tanya petugas soal KTP saya")
    assert "Terkirim" in rina.say(f"#{kode} Bu, kantor desa hari Sabtu tutup ya")
    assert "kantor desa hari Sabtu tutup" in outbox(rt, phone.number)[-1]
    assert "Terkirim" in rina.say(f"#{kode} pesan sudah beres, saya tutup ya")
    assert outbox(rt, phone.number)[-1].endswith("sudah beres, saya tutup ya")
