"""The one table of outbox message kinds: what each may do, in one place.

A kind not listed here cannot be written to the outbox (handlers.outbox.writer refuses it): a
new kind of message is one new line below, and its approved WhatsApp template (TWILIO_TEMPLATE_<KIND>)
when it may go out business-initiated.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from storage.models import OutboxStatus


class Lane(IntEnum):
    """The queue a row waits in (outbox_message.lane). Every sender claims each lane on its own
    and takes residents' rows first, so a reply is never queued behind a broadcast."""

    RESIDENT = 0  # replies, relays, login codes, news of the person's own ticket
    BULK = 1  # reminders, corrections, surveys


@dataclass(frozen=True)
class Kind:
    # Answers something the person asked for (a chat with a petugas, news of their own ticket):
    # sent even after an opt-out of reminders. Twilio's own STOP (21610) still blocks it.
    direct_reply: bool
    # Waits for the end of quiet hours (reminders and broadcasts); replies and relays do not.
    quiet_hours: bool
    # The variables its approved WhatsApp template takes ({{1}}, {{2}} …), used outside the
    # 24-hour window; () = no template: free text only, inside the window.
    template_vars: tuple[str, ...] = ()
    # The body carries a secret (a login code): scrubbed from the row once it is sent or given up.
    secret: bool = False

    @property
    def lane(self) -> Lane:
        # What the person asked for goes ahead of what everybody gets.
        return Lane.RESIDENT if self.direct_reply else Lane.BULK


KINDS: dict[str, Kind] = {
    "reply": Kind(direct_reply=True, quiet_hours=False),
    "relay": Kind(direct_reply=True, quiet_hours=False, template_vars=("1", "2")),
    "handoff_notice": Kind(direct_reply=True, quiet_hours=False, template_vars=("1", "2")),
    "handoff_timeout": Kind(direct_reply=True, quiet_hours=False, template_vars=("1",)),
    "ticket_update": Kind(direct_reply=True, quiet_hours=False, template_vars=("1", "2")),
    "proposal_update": Kind(direct_reply=True, quiet_hours=False, template_vars=("1", "2")),
    "login_code": Kind(direct_reply=True, quiet_hours=False, template_vars=("1",), secret=True),
    "survey": Kind(direct_reply=False, quiet_hours=False, template_vars=("1",)),
    "reminder": Kind(direct_reply=False, quiet_hours=True, template_vars=("1", "2", "3", "4")),
    "kades_reminder": Kind(direct_reply=False, quiet_hours=True, template_vars=("1", "2", "3", "4", "5")),
    "correction": Kind(direct_reply=False, quiet_hours=True, template_vars=("1", "2", "3")),
    # The regency's side of a visit (scheduler/regency.py): the camat's forwardable brief (H-7, H-3)
    # and the attendance per desa after the visit; each dinas' preparation list (H-2).
    "camat_brief": Kind(direct_reply=False, quiet_hours=True, template_vars=("1", "2", "3")),
    "camat_hasil": Kind(direct_reply=False, quiet_hours=True, template_vars=("1", "2", "3")),
    "persiapan": Kind(direct_reply=False, quiet_hours=True, template_vars=("1", "2", "3")),
}
DIRECT_REPLY_KINDS = frozenset(name for name, kind in KINDS.items() if kind.direct_reply)
# The kinds an approved WhatsApp template may carry (TWILIO_TEMPLATE_<KIND>, .env.example).
TEMPLATE_KINDS = tuple(name for name, kind in KINDS.items() if kind.template_vars)
SECRET_KINDS = frozenset(name for name, kind in KINDS.items() if kind.secret)
SCRUBBED_BODY = "(isi rahasia dihapus setelah terkirim)"
CHANNELS = frozenset({"whatsapp", "sms"})
SENT_STATES = (OutboxStatus.QUEUED, OutboxStatus.SENT, OutboxStatus.DELIVERED, OutboxStatus.READ)


def kind_of(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"unknown outbox kind {name!r}: add it to handlers/outbox/kinds.py KINDS") from None
