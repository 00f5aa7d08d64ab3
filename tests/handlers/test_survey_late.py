"""The survey after a ticket closes, through the signed webhook on a fixed clock (SQLite and
PostgreSQL): a rating an hour (or a day less a minute) later is still taken, and the survey never
makes another message misread — a question at the rating is answered, a clear request at the
comment saves the rating and is answered, a real comment is kept."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from storage.models import Opd, Staff, StaffRole, SurveyResponse, Ticket
from tests.handlers.test_antrean import Clock
from tests.handlers.test_flows import play, schedule  # noqa: F401  (fixtures)
from tests.whatsapp import RINA, Phone

WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture
def surveyed(wa_app, wa_client, phone, schedule, rt):
    """A chat with the helpdesk, closed by the petugas at 10:00 WIB on a Tuesday: the survey is asked."""
    clock = Clock(datetime(2026, 12, 8, 9, 50, tzinfo=WIB))
    wa_app.extensions["kenduren"].clock = clock
    with rt.sessions.begin() as s:
        kominfo = s.scalars(select(Opd).where(Opd.key == "diskominfo")).one()
        s.add(Staff(phone=RINA, name="Bu Rina", role=StaffRole.PETUGAS, opd_id=kominfo.id))
    play(phone, [("aku njaluk ngomong karo petugas", "saya sambungkan ke petugas")])
    with rt.sessions() as s:
        kode = s.scalars(select(Ticket)).one().kode
    clock.at = datetime(2026, 12, 8, 10, 0, tzinfo=WIB)
    assert "ditutup" in Phone(wa_client, RINA, "Rina").say(f"#{kode} selesai sudah dijawab")
    return clock


def surveys(rt) -> list[tuple[int, str | None]]:
    with rt.sessions() as s:
        return [(v.rating, v.comment) for v in s.scalars(select(SurveyResponse))]


@pytest.mark.parametrize("later", [timedelta(hours=1), timedelta(hours=23, minutes=59)])
def test_a_late_rating_is_still_taken(phone, rt, surveyed, later):
    surveyed.at += later
    play(phone, [("4", "Ada saran"), ("pelayanannya cepat dan ramah", "Terima kasih atas penilaian")])
    assert surveys(rt) == [(4, "pelayanannya cepat dan ramah")]


def test_a_rating_in_words_an_hour_later(phone, rt, surveyed):
    surveyed.at += timedelta(hours=1)
    play(phone, [("apik pol", "Ada saran"), ("lewati", "Terima kasih atas penilaian")])
    assert surveys(rt) == [(5, None)]


def test_after_a_day_the_survey_has_gone(phone, rt, surveyed):
    surveyed.at += timedelta(hours=25)
    phone.say("4")
    assert surveys(rt) == []


def test_a_question_at_the_rating_is_answered_and_no_miss(phone, rt, surveyed):
    surveyed.at += timedelta(hours=1)
    play(phone, [("kapan kenduren mas ke gempol?", "Kecamatan Gempol", "!1 (buruk)", "!belum paham")])
    assert surveys(rt) == []


def test_a_clear_request_at_the_comment_saves_the_rating_and_is_answered(phone, rt, surveyed):
    surveyed.at += timedelta(hours=1)
    play(phone, [("5", "Ada saran"), ("kapan kenduren mas ke gempol?", "Kecamatan Gempol")])
    assert surveys(rt) == [(5, None)]
