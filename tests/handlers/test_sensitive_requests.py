"""Sensitive requests read by meaning, through the signed webhook (SQLite and PostgreSQL): erasure in
any register starts HAPUS DATA with its confirmation, only a clear wish to stop messages opts out,
"batal"/"hapus" words are never a STOP, and a kepala desa asking how to forward gets the help."""

import pytest
from sqlalchemy import select

from storage.models import Resident
from tests.handlers.test_flows import play, schedule  # noqa: F401  (fixtures)


def opted_out(rt) -> bool:
    with rt.sessions() as s:
        return all(r.opted_out_at is not None for r in s.scalars(select(Resident)))


def subscribe(phone):
    play(phone, [("ingatkan aku kenduren mas gempol", "Setuju?"), ("1", "Siap")])


@pytest.mark.parametrize("words", [
    "tolong hapus data pribadi saya",        # Indonesian, the measured case (it stopped reminders)
    "busak data kula",                       # Javanese krama
    "data saya jangan disimpan",             # no erase verb at all
    "datane aku ojok disimpen yo",           # ngoko
    "tolong apos data pribadi kaule",        # Madurese
    "hapusen dataku",
    "jangan simpan nomor saya",
    "tolong lupakan data saya",
])
def test_erasure_in_any_register_asks_to_confirm_and_stops_nothing(phone, schedule, rt, words):
    subscribe(phone)
    play(phone, [(words, "Hapus data pribadi Anda", "1. Ya, hapus data saya", "!tidak akan menerima pengingat")])
    assert not opted_out(rt)
    play(phone, [("mboten", "tidak dihapus")])
    assert not opted_out(rt)


def test_erasure_confirmed_erases(phone, schedule, rt):
    subscribe(phone)
    play(phone, [("tolong hapus data pribadi saya", "Hapus data pribadi Anda"), ("1", "sudah dihapus")])
    with rt.sessions() as s:
        assert all(r.name is None for r in s.scalars(select(Resident)))


@pytest.mark.parametrize("words", [
    "ojok kirim pesen maneh",
    "jangan kirim pengingat lagi",
    "mboten usah dipun kintuni pesen malih",
    "ta' osa ngerem pesen polè",
    "tolong hapus nomer sy dari daftar pengingat",
    "STOP",
])
def test_a_clear_stop_stops(phone, schedule, rt, words):
    subscribe(phone)
    play(phone, [(words, "tidak akan menerima pengingat")])
    assert opted_out(rt)


def test_a_clear_stop_mid_flow_stops(phone, schedule, rt):
    play(phone, [("daftar ktp", "KTP-el"), ("ojok kirim pesen maneh", "tidak akan menerima pengingat")])
    assert opted_out(rt)


@pytest.mark.parametrize("words", ["hapus", "udahan", "wis cukup"])
def test_what_could_be_stop_or_something_else_is_asked(phone, schedule, rt, words):
    subscribe(phone)
    answer = phone.say(words)
    assert "tidak akan menerima pengingat" not in answer
    if "Yang Anda maksud" in answer:  # asked which: the resident answers it
        assert "1. Berhenti menerima pengingat" in answer and "2. Hapus data pribadi saya" in answer
        play(phone, [("3", "Jadwal Kenduren Mas")])
    assert not opted_out(rt)


def test_hapus_asked_then_stop_chosen(phone, schedule, rt):
    subscribe(phone)
    play(phone, [("hapus", "Yang Anda maksud"), ("berhenti menerima pengingat", "tidak akan menerima pengingat")])
    assert opted_out(rt)


def test_hapus_asked_then_erasure_chosen_confirms_first(phone, schedule, rt):
    subscribe(phone)
    play(phone, [("hapus", "Yang Anda maksud"), ("2", "Hapus data pribadi Anda")])
    assert not opted_out(rt)


@pytest.mark.parametrize("words", ["batal", "batalkan", "mboten sios"])
def test_batal_is_never_a_stop(phone, schedule, rt, words):
    subscribe(phone)
    play(phone, [(words, "!tidak akan menerima pengingat")])
    assert not opted_out(rt)


@pytest.mark.parametrize("words", [
    "carane nerusno pengingat nang grup?",
    "gimana cara meneruskan pengingat ke grup warga",
    "pripun carane neruske pesen niki dhateng grup?",
])
def test_a_kepala_desa_asking_how_to_forward_gets_the_help(phone, schedule, rt, words):
    add_kades(rt, phone.number)
    subscribe(phone)
    play(phone, [(words, "Teruskan", "tetap berjalan", "tautan desa Anda", "!tidak akan menerima pengingat",
                  "!belum terdaftar")])
    assert not opted_out(rt)


def add_kades(rt, number):
    from storage.models import Desa, Staff, StaffRole
    with rt.sessions.begin() as s:
        desa = s.scalars(select(Desa).where(Desa.nama == "Gempol")).first()
        s.add(Staff(phone=number, name="Pak Kades", role=StaffRole.KADES, desa_id=desa.id))


@pytest.mark.parametrize("words", [
    "carane nerusno pengingat nang grup desa piye?",
    "saya pak RT, bagaimana cara meneruskan info kenduren ke grup warga?",
    "kula kamituwo, pripun carane ngirim pengumuman menika dhateng grup?",  # krama
    "dhin-kadhin ka grup warga paponapa?",                                  # Madurese-ish, no verb we know: not asked
])
def test_an_unregistered_number_asking_how_to_forward_is_told_the_truth(phone, schedule, rt, words):
    subscribe(phone)
    answer = phone.say(words)
    if "dhin-kadhin" in words:
        assert "tautan desa Anda" not in answer  # never the kepala desa's claims
        return
    assert "belum terdaftar sebagai kepala desa" in answer and "PETUGAS" in answer and "Teruskan" in answer
    assert "tautan desa Anda" not in answer and "sudah ditulis" not in answer
    assert not opted_out(rt)
