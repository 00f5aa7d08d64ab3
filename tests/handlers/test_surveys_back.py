"""Surveys on again after a surveys-only opt-out, through the signed webhook on SQLite and PostgreSQL, in residents'
words: MULAI, or a wish for them ("kirimi survei lagi", ngoko, krama), clears resident.surveys_off_at and says so;
the reminders are untouched, and one who never stopped the surveys is told nothing about them."""

import pytest
from sqlalchemy import select

from storage.models import Resident
from tests.handlers.test_flows import play, schedule  # noqa: F401  (fixtures)
from tests.handlers.test_subscriptions import subscribed

ON = "survei kepuasan akan kami kirim lagi"


def surveys_off(rt, phone) -> bool:
    with rt.sessions() as s:
        return s.scalars(select(Resident).where(Resident.phone == phone.number)).one().surveys_off_at is not None


def test_mulai_turns_the_surveys_on_again(phone, schedule, rt):
    play(phone, [("ingetno gempol", "Setuju?"), ("1", "Siap"),
                 ("gak usah kirim survei", "survei kepuasan tidak akan kami kirim lagi")])
    assert surveys_off(rt, phone)
    play(phone, [("MULAI", ON)])
    assert not surveys_off(rt, phone)
    assert subscribed(rt) == ["Gempol"]


@pytest.mark.parametrize("message", ["kirimi survei lagi", "survei e dikirim maneh wae",  # Indonesian, ngoko
                                     "survei dipun kintun malih nggih"])  # krama
def test_a_wish_for_the_surveys_turns_them_on_again(phone, schedule, rt, message):
    play(phone, [("survei ora usah yo", "survei kepuasan tidak akan"),
                 (message, ON, "!belum bisa saya jawab", "!tidak akan kami kirim")])
    assert not surveys_off(rt, phone)


def test_mulai_from_one_who_never_stopped_them_says_nothing_of_surveys(phone, schedule, rt):
    play(phone, [("MULAI", f"!{ON}")])
