"""While a petugas holds the chat, thanks or a greeting in front of a clear question is the question (#23 cat.
11), through the signed webhook on SQLite and PostgreSQL: the bot answers it as it answers the bare question,
and the petugas gets the question and the answer."""

import pytest
from sqlalchemy import select

from storage.models import Ticket
from tests.handlers.test_staff_side import rina  # noqa: F401  (fixtures)
from tests.whatsapp import add_visit, outbox


@pytest.mark.parametrize("asked, answered", [
    ("sakalangkong. Kenduren mas ka gempol bila?", "Kecamatan Gempol"),       # Madurese
    ("matur nuwun bu, lha jadwal gempol kapan?", "Kecamatan Gempol"),         # krama
    ("suwun mas. kenduren mas nang gempol kapan?", "Kecamatan Gempol"),       # ngoko
    ("makasih kak, syarat ktp apa aja?", "KTP-el"),                           # Indonesian
])
def test_thanks_before_a_question_is_the_question(phone, rina, rt, asked, answered):
    add_visit(rt, "Gempol", 10)
    assert "saya sambungkan ke petugas" in phone.say("mau ngomong karo petugas capil")
    with rt.sessions() as s:
        kode = s.scalars(select(Ticket.kode)).one()
    rina.say(f"#{kode} Nggih bu, wonten ingkang saged kula bantu?")
    answer = phone.say(asked)
    assert answered in answer, answer
    relayed = outbox(rt, rina.number)[-1]
    assert asked in relayed and answered in relayed, relayed
