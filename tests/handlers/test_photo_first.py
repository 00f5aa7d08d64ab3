"""A photo sent before the proposal (issue 23, round 2), through the signed webhook on SQLite and PostgreSQL: once
promised ("saya lampirkan"), it is attached and never asked for again, whatever path the proposal takes; a photo
sent with the words as its caption is attached too."""

import pytest
from sqlalchemy import select

from storage.models import Proposal
from tests.handlers.test_flows import play, schedule  # noqa: F401  (fixtures)
from tests.handlers.test_media import PHOTO

ASKED_AGAIN = "foto atau titik lokasi"


def proposals(rt) -> list[Proposal]:
    with rt.sessions() as s:
        return list(s.scalars(select(Proposal).order_by(Proposal.id)))


@pytest.mark.parametrize("steps", [
    [("mau usul jalan rusak", "saya lampirkan"), ("martopuro", "meter"), ("300", "Lampiran: foto")],
    [("usul", "saya lampirkan"), ("lampu jalan mati", "desa/kelurahan mana"), ("martopuro", "Ceritakan"),
     ("lampu PJU mati lima titik dekat masjid", "titik")],
    [("dalan nang desaku rusak parah pak, martopuro", "saya lampirkan"), ("1", "")],
])
def test_a_photo_sent_first_is_never_asked_for_again(phone, schedule, rt, steps):
    phone.say("", **PHOTO)
    for line, *expected in steps:
        answer = phone.say(line)
        assert ASKED_AGAIN not in answer, f"{line!r} asked for the photo again:\n{answer}"
        for piece in expected:
            assert piece in answer, f"{line!r} → expected {piece!r} in:\n{answer}"
    for line in ("gak ngerti", "lewati", "gak ngerti"):
        if proposals(rt):
            break
        assert ASKED_AGAIN not in phone.say(line)
    assert proposals(rt) and proposals(rt)[-1].media_url == PHOTO["MediaUrl0"]


def test_a_photo_with_the_words_as_caption_is_attached(phone, schedule, rt):
    answer = phone.say("mau usul jalan rusak", **PHOTO)
    assert "saya lampirkan" in answer or "desa/kelurahan mana" in answer
    play(phone, [("martopuro", "meter"), ("300", "Lampiran: foto", "!" + ASKED_AGAIN)])
    assert proposals(rt)[-1].media_url == PHOTO["MediaUrl0"]
