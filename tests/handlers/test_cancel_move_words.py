"""Cancelling or moving one's ticket in residents' words, through the signed webhook on SQLite and PostgreSQL (#22
leftovers, e22c): an explicit cancel goes straight to the one confirmation; at "move, cancel or keep?" the option's
own words ("batalkan", "batal", "pindah") are that option, never the global BATAL (which left the ticket standing);
a question between two places lists them to pick from, never moves the ticket at once."""

import pytest
from sqlalchemy import select

from storage.models import Ticket
from tests.handlers.test_flows import play
from tests.whatsapp import add_visit


@pytest.fixture
def holder(phone, rt):
    add_visit(rt, "Gempol", 9), add_visit(rt, "Pandaan", 12), add_visit(rt, "Beji", 14)
    play(phone, [("daftar ktp", "kecamatan mana"), ("gempol", "1."), ("1", "Nama"), ("Sumarti", "Desa"),
                 ("ngerong", "catatan"), ("-", "Cek lagi"), ("1", "Terdaftar")])
    return phone


def ticket(rt):
    with rt.sessions() as s:
        t = s.scalars(select(Ticket)).one()
        return t.status.value if hasattr(t.status, "value") else str(t.status), t.visit.kecamatan.nama


@pytest.mark.parametrize("cancel", ["batalin aja", "dibatalkan wae", "tiketku dibatalno ae"])
def test_an_explicit_cancel_goes_to_the_one_confirmation(holder, rt, cancel):
    play(holder, [(cancel, "Batalkan tiket", "1. Ya, batalkan", "!Pindah ke jadwal lain")])


@pytest.mark.parametrize("option", ["batalkan", "batal", "Batalkan tiket"])
def test_the_cancel_option_in_its_own_words_is_the_option_not_the_global_batal(holder, rt, option):
    play(holder, [("aku gak iso teko", "1. Pindah ke jadwal lain"),
                  (option, "Batalkan tiket", "1. Ya, batalkan", "!langkah yang belum selesai")],)
    play(holder, [("1", "dibatalkan")])
    assert ticket(rt)[0].lower() in ("dibatalkan", "cancelled", "batal"), ticket(rt)


def test_the_move_option_in_its_own_words(holder, rt):
    play(holder, [("mboten saged rawuh", "1. Pindah ke jadwal lain"), ("pindah", "ke jadwal mana", "Kec. Beji")])


@pytest.mark.parametrize("first", ["aku gak iso teko", "ganti jadwal"])
@pytest.mark.parametrize("between", ["yg pandaan ato beji ada gk?", "pandaan apa beji ya?"])
def test_a_question_between_two_places_lists_them_and_moves_nothing(holder, rt, first, between):
    play(holder, [(first, "")])
    answer = holder.say(between)
    assert "ke jadwal mana" in answer and "Kec. Pandaan" in answer and "Kec. Beji" in answer, answer
    assert "dipindah" not in answer, answer
    assert ticket(rt)[1] == "Gempol"
    play(holder, [("2", "dipindah")])
    assert ticket(rt)[1] == "Beji"
