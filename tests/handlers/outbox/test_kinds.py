"""One table of message kinds, one outbox writer: the writer refuses what the table does not know."""

from __future__ import annotations

import pytest

from handlers.outbox import DIRECT_REPLY_KINDS, KINDS, enqueue
from tests.sending import add_residents, phone


def test_the_writer_takes_quiet_hours_from_the_table_and_refuses_unknown_kinds(rt):
    with rt.sessions.begin() as s:
        [rid] = add_residents(s, "Gempol", 1)
        reminder = enqueue(s, kind="reminder", channel="whatsapp", to_phone=phone(0), body="Besok …", resident_id=rid,
                           template_vars={"1": "Gempol"})
        reply = enqueue(s, kind="reply", channel="whatsapp", to_phone=phone(0), body="Baik.", resident_id=rid)
        assert reminder.respects_quiet_hours and not reply.respects_quiet_hours
        with pytest.raises(ValueError, match="unknown outbox kind"):
            enqueue(s, kind="promo", channel="whatsapp", to_phone=phone(0), body="x", resident_id=rid)
        with pytest.raises(ValueError, match="template variables"):
            enqueue(s, kind="survey", channel="whatsapp", to_phone=phone(0), body="x", resident_id=rid,
                    template_vars={"9": "?"})


def test_direct_replies_are_the_kinds_the_table_marks():
    assert DIRECT_REPLY_KINDS == {k for k, v in KINDS.items() if v.direct_reply}
    assert "reminder" not in DIRECT_REPLY_KINDS and "relay" in DIRECT_REPLY_KINDS


def test_every_kind_a_template_can_be_configured_for_takes_template_variables():
    from core.settings import Settings
    from handlers.outbox.kinds import TEMPLATE_KINDS

    assert set(TEMPLATE_KINDS) == {k for k, v in KINDS.items() if v.template_vars} and "reminder" in TEMPLATE_KINDS
    environ = {f"TWILIO_TEMPLATE_{kind.upper()}": f"HX{n}" for n, kind in enumerate(TEMPLATE_KINDS)}
    assert set(Settings.from_env(environ=environ).templates) == set(TEMPLATE_KINDS)
