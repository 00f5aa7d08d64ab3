"""Right after a stop, "will I still get WA messages?" through the signed webhook on SQLite and PostgreSQL, in
residents' words: told what stopped (reminders, broadcasts, surveys) and what still comes (replies, ticket news, a
petugas' chat) — never a new stop, a schedule card or "belum bisa saya jawab"."""

import pytest

from tests.handlers.test_flows import play, schedule  # noqa: F401  (fixtures)
from tests.handlers.test_subscriptions import subscribed


@pytest.mark.parametrize("question", ["abis ini sy msh dikirimi wa?",   # Indonesian, chat spelling
                                      "isih dikirimi pesen ta?",        # ngoko
                                      "kula taseh dipun kintuni pesen?"])  # krama
def test_after_a_stop_what_still_comes_is_told(phone, schedule, rt, question):
    play(phone, [("ingetno gempol", "Setuju?"), ("1", "Siap"), ("BERHENTI", "tidak akan menerima pengingat"),
                 (question, "tidak kami kirim lagi", "kabar tiket Anda", "MULAI", "!belum bisa saya jawab",
                  "!Kecamatan Gempol")])
    assert subscribed(rt) == []
