"""Thanks after an answer, with courtesy words around them, get the short answer — never the menu, a
greeting or "jawabannya belum saya pahami" (issue 23, round 2). Through the signed webhook, both databases."""

import pytest

from tests.handlers.test_flows import play, schedule  # noqa: F401  (fixtures)

THANKS = "Sama-sama"


@pytest.mark.parametrize("first", ["fotokopi piro lembar?", "kapan kenduren ke gempol?"])
@pytest.mark.parametrize("thanks", [
    "oke makasih infonya kak",               # Indonesian chat
    "matur nuwun sanget infone",             # krama
    "matur suwun nggih mbak, sampun jelas",  # krama
    "suwun lur, wis paham",                  # ngoko
    "sakalangkong infona",                   # Madurese
    "ok noted thx",
    "alhamdulillah, makasih ya bu sangat membantu",
])
def test_thanks_with_courtesy_after_an_answer_get_a_short_answer(phone, schedule, first, thanks):
    phone.say(first)
    play(phone, [(thanks, THANKS, "!Balas dengan angka", "!Halo", "!belum saya pahami")])


@pytest.mark.parametrize("words, expected", [
    ("makasih, mau daftar ktp", "KTP-el"),
    ("suwun, nek gempol kapan?", "Kecamatan Gempol"),
])
def test_thanks_before_a_request_or_question_still_do_it(phone, schedule, words, expected):
    phone.say("gratis ta?")
    play(phone, [(words, expected)])
