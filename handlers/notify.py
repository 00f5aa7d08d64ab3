"""Business-initiated messages to a resident or a staff member: render from the catalogue, adapt
to the channel, split to Twilio's limit, and put in the outbox of the current transaction."""

from __future__ import annotations

from sqlalchemy.orm import Session

from catalogue import for_channel, render_say, split_body
from flows.engine import Say
from handlers.outbox import enqueue
from storage.models import Resident, Staff


def to_resident(session: Session, resident: Resident, kind: str, message: Say, *, ticket_id: int | None = None,
                template_vars: dict[str, str] | None = None) -> None:
    if not resident.phone:  # erased at the resident's request
        return
    channel = resident.channel if resident.channel in ("whatsapp", "sms") else "whatsapp"
    for piece in split_body(for_channel(render_say(message), channel)):
        enqueue(session, kind=kind, channel=channel, to_phone=resident.phone, body=piece,
                resident_id=resident.id, ticket_id=ticket_id, template_vars=template_vars)


def to_staff(session: Session, staff: Staff, kind: str, message: Say, *, ticket_id: int | None = None,
             template_vars: dict[str, str] | None = None) -> None:
    for piece in split_body(for_channel(render_say(message), "whatsapp")):
        enqueue(session, kind=kind, channel="whatsapp", to_phone=staff.phone, body=piece, staff_id=staff.id,
                ticket_id=ticket_id, template_vars=template_vars)
