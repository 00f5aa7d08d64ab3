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
    subscribe(phone)
    play(phone, [(words, "Teruskan", "tetap berjalan", "!tidak akan menerima pengingat")])
    assert not opted_out(rt)
