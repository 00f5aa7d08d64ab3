"""One inbound message → stored once → understood in context → effects and replies, in one transaction.

Two entry points share the same walk (`answer_stored`):
- the webhook stores the message only (`store_inbound`, one INSERT keyed by MessageSid, one
  transaction) and answers Twilio with an empty TwiML; the processor (handlers.processor) takes
  each resident's waiting messages in order, off the request, and in ONE transaction saves what
  the flows changed, the reply rows in the outbox (kind `reply`, residents' lane, one row per
  message the resident will see) and the message's processed mark — exactly once per MessageSid;
- the terminal chat (`bot chat`) stores and answers in one transaction (`handle_inbound`) and
  prints the replies (numbered text); nothing goes to the outbox.
A question with choices goes to WhatsApp as content (handlers.interactive.render_for), its
numbered text kept as the row's body. After a commit that wrote reply rows the caller rings
`runtime.outbox_bell`, so a sender in the same process sends them at once.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from functools import cache

from sqlalchemy import Connection, bindparam, select, update
from sqlalchemy.orm import Session

from catalogue import TWILIO_BODY_LIMIT, render_say, split_body
from flows import dispatch, policy
from flows.dispatch import Registry
from flows.engine import ResidentView, Say, Turn, say
from handlers import effects as fx
from handlers import interactive
from handlers.facts import CLOSED_TICKET, DbFacts
from handlers.outbox import enqueue_all
from handlers.replies import carry_out, render_replies
from handlers.residents import locked_conversation, resident_by_phone, save_outcome
from storage.db import UTCDateTime, retry_on_disconnect, utcnow
from storage.dialect import dialect_name, insert_for
from storage.models import Conversation, InboundMessage, Resident, Staff, Ticket

log = logging.getLogger(__name__)
NLU_MAX_CHARS = 1000
STORE_MAX_CHARS = 5000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Incoming:
    """A message as Twilio (or the terminal chat) delivered it, already parsed at the edge."""

    message_sid: str
    channel: str
    from_phone: str
    body: str = ""
    profile_name: str | None = None
    num_media: int = 0
    media_url: str | None = None
    latitude: float | None = None
    media_type: str | None = None  # MediaContentType0
    longitude: float | None = None
    button_payload: str | None = None
    # The body before its NIKs were masked, only for the petugas holding the chat to read (they asked for
    # it); never stored, spooled or logged.
    as_written: str | None = field(default=None, repr=False)


def handle_inbound(runtime, registry: Registry, msg: Incoming, now: datetime | None = None) -> list[str]:
    """Store and answer in one go (the terminal chat): the replies, rendered for the channel
    (numbered text). Never raises for bad input."""
    now = now or runtime.clock()

    def unit_of_work() -> list[str]:
        with runtime.sessions.begin() as session:
            stored = _store_row(session, msg, now)
            if stored is None:
                return _stored_reply(session, msg.message_sid)
            stored_id, staff_id = stored
            return answer_stored(session, runtime, registry, msg, now, stored_id, staff_id, via_outbox=False)

    try:
        return retry_on_disconnect(unit_of_work)
    except Exception:
        log.exception("inbound %s from %s failed; storing it with an apology", msg.message_sid, msg.from_phone)
        with runtime.sessions.begin() as session:
            stored_id = _store(session, msg, now)
            if stored_id is None:
                return _stored_reply(session, msg.message_sid) or render_replies([say("menu.error")], msg.channel)
            return record_apology(session, msg, stored_id, now, via_outbox=False)


def answer_stored(session: Session, runtime, registry: Registry, msg: Incoming, now: datetime, stored_id: int,
                  staff_id: int | None, *, via_outbox: bool) -> list[str]:
    """Answer a stored message inside the caller's transaction: the flows decide, the effects are
    carried out, the replies are recorded on the row with its processed mark (and, `via_outbox`,
    written to the outbox). Returns the replies rendered for the channel."""
    answer = _process(session, runtime, registry, msg, now, staff_id)
    replies = render_replies(answer.says, msg.channel, answer.results)
    session.execute(_RECORD_REPLY, {"row_id": stored_id, "replies": replies, "at": utcnow(),
                                    "understood": answer.intent})
    if via_outbox:
        enqueue_replies(session, msg.channel, msg.from_phone, answer.says, answer.results,
                        resident_id=answer.resident_id, staff_id=answer.staff_id)
    return replies


def record_apology(session: Session, msg: Incoming, stored_id: int, now: datetime, *, via_outbox: bool) -> list[str]:
    """A message whose processing failed (a bug, not the database): marked processed with an
    apology as its reply, so it is not taken again, and the apology written to the outbox."""
    sorry = [say("menu.error")]
    apology = render_replies(sorry, msg.channel)
    session.execute(_RECORD_REPLY, {"row_id": stored_id, "replies": apology, "at": utcnow(), "understood": None})
    if via_outbox:
        enqueue_replies(session, msg.channel, msg.from_phone, sorry, {})
    # Said only once it is true: when this store fails too, the message waits (or is spooled).
    log.info("inbound %s stored with an apology", msg.message_sid)
    return apology


def enqueue_replies(session: Session, channel: str, to_phone: str, says: list[Say], results: dict[str, Any], *,
                    resident_id: int | None = None, staff_id: int | None = None) -> int:
    """One answer as outbox rows (kind `reply`, residents' lane), in the caller's transaction: the
    text as one message (split past Twilio's limit), then a question with choices as WhatsApp
    content where it can be one, its numbered text as the row's body (the fallback). Returns the
    number of rows."""
    rendered = interactive.render_for(says, channel, results)
    rows: list[dict[str, Any]] = [{"body": text} for text in rendered.texts]
    question = rendered.question
    if question is not None and len(question.text) <= TWILIO_BODY_LIMIT:
        rows.append({"body": question.text, "content_kind": question.kind, "content_size": question.size,
                     "content_variables": question.variables()})
    elif question is not None:  # its numbered text would not fit one message: text, as on SMS
        rows += [{"body": piece} for piece in split_body(question.text)]
    return enqueue_all(session, [dict(kind="reply", channel=channel, to_phone=to_phone, resident_id=resident_id,
                                      staff_id=staff_id, **row) for row in rows])


_STORED_FIELDS = ("message_sid", "channel", "from_phone", "body", "num_media", "media_url", "media_type", "latitude",
                  "longitude", "button_payload", "profile_name")


# The statements below run on every message: built once (per dialect), on the table rather than
# the mapped class, because building and ORM-processing them cost more than running them.
_INBOUND = InboundMessage.__table__


@cache
def _insert_inbound(dialect: str):
    """The message stored keyed by its SID, returning its row id and, in the same statement, the id
    of the active staff member writing from that number (one round trip fewer on every message)."""
    values = {name: bindparam(name, type_=_INBOUND.c[name].type) for name in _STORED_FIELDS}
    staff = Staff.__table__
    staff_id = (select(staff.c.id).where(staff.c.phone == values["from_phone"], staff.c.active.is_(True))
                .limit(1).scalar_subquery())
    return (insert_for(dialect, _INBOUND).values(**values, received_at=bindparam("now", type_=UTCDateTime()))
            .on_conflict_do_nothing(index_elements=[_INBOUND.c.message_sid]).returning(_INBOUND.c.id, staff_id))


_RECORD_REPLY = (update(_INBOUND).where(_INBOUND.c.id == bindparam("row_id"))
                 .values(reply=bindparam("replies", type_=_INBOUND.c.reply.type),
                         processed_at=bindparam("at", type_=UTCDateTime()), intent=bindparam("understood"),
                         as_written=None))  # the unmasked body is not kept past processing


@cache
def _insert_waiting(dialect: str):
    """The webhook's one statement: the message stored keyed by its SID, to wait for the processor."""
    values = {name: bindparam(name, type_=_INBOUND.c[name].type) for name in _STORED_FIELDS}
    return (insert_for(dialect, _INBOUND)
            .values(**values, received_at=bindparam("now", type_=UTCDateTime()),
                    spool_replied_at=bindparam("spooled", type_=UTCDateTime()), as_written=bindparam("as_written"))
            .on_conflict_do_nothing(index_elements=[_INBOUND.c.message_sid]))


def store_inbound(session: Session | Connection, msg: Incoming, now: datetime, *,
                  spooled_at: datetime | None = None) -> bool:
    """Store a message to be processed off the request (handlers.processor), keyed by MessageSid:
    True when stored now, False when that SID was stored before (a repeat: nothing to do). On a
    Session or, on the webhook's path, a Core connection (no ORM session to set up for one INSERT).
    `spooled_at`: the message comes from the inbound spool (recorded on the row)."""
    params = {name: getattr(msg, name) for name in _STORED_FIELDS}
    params.update(body=msg.body[:STORE_MAX_CHARS] if msg.body else "", now=now, spooled=spooled_at,
                  # Only while it waits, and only when masking changed it (the processor erases it).
                  as_written=msg.as_written if msg.as_written and msg.as_written != msg.body else None)
    return session.execute(_insert_waiting(dialect_name(session)), params).rowcount == 1


def _store_row(session: Session, msg: Incoming, now: datetime) -> tuple[int, int | None] | None:
    """Insert keyed by MessageSid: (row id, the writer's staff id or None); None when this SID was
    stored before (a repeat delivery)."""
    params = {name: getattr(msg, name) for name in _STORED_FIELDS}
    params.update(body=msg.body[:STORE_MAX_CHARS] if msg.body else "", now=now)
    row = session.execute(_insert_inbound(dialect_name(session)), params).first()
    return (row[0], row[1]) if row is not None else None


def _store(session: Session, msg: Incoming, now: datetime) -> int | None:
    stored = _store_row(session, msg, now)
    return stored[0] if stored is not None else None


def _stored_reply(session: Session, sid: str) -> list[str]:
    return list(session.scalar(select(InboundMessage.reply).where(InboundMessage.message_sid == sid)) or [])


def _text_of(msg: Incoming) -> str:
    text = msg.button_payload or msg.body or ""
    text = _CONTROL.sub(" ", text).strip()
    return text[:NLU_MAX_CHARS]


@dataclass(frozen=True)
class Answer:
    """What one message is answered with: the replies (rendered later for the channel), the values
    they name, the intent understood (None when no flow was asked), and who they go to."""

    says: list[Say]
    results: dict[str, Any]
    intent: str | None
    resident_id: int | None = None
    staff_id: int | None = None


def _process(session: Session, runtime, registry: Registry, msg: Incoming, now: datetime,
             staff_id: int | None) -> Answer:
    """One walk: the policy and the flows decide, the effects are carried out; the replies are
    rendered once, by the caller. `staff_id`: the active staff member writing from this number
    (read when the message was stored)."""
    staff = None
    if staff_id is not None:
        from handlers.petugas_commands import handle_staff_message

        staff = session.get(Staff, staff_id)
        staff.last_inbound_at = now
        staff_replies = handle_staff_message(session, runtime, staff, _text_of(msg), now)
        if staff_replies is not None:
            return Answer(list(staff_replies), {}, None, staff_id=staff_id)
        # A kepala desa or admin asking what residents ask: the bot answers them as a resident.

    resident = resident_by_phone(session, msg.from_phone, msg.channel, now, msg.profile_name)
    conversation = locked_conversation(session, resident, msg.channel, now)
    text = _text_of(msg)
    tap = interactive.tap_of(msg.button_payload)
    group = None
    if tap is not None:
        if tap.token == conversation.asked:
            text = str(tap.number)  # the option's number: every question with choices takes it
            group = tap.number if tap.group else None  # a group of a grouped question: the flow asks within it
        elif conversation.asked is not None:
            # A button of an earlier question while another waits: answering that one with it
            # could pick something the resident never saw. Nothing changes; they answer the last.
            return Answer([say("interactive.stale")], {}, None, resident_id=resident.id)
        else:
            # No question waits (e.g. a menu item tapped again later): the tapped title (the
            # message's body) reads as if typed.
            text = _CONTROL.sub(" ", msg.body or "").strip()[:NLU_MAX_CHARS]
    location = (msg.latitude, msg.longitude) if msg.latitude is not None and msg.longitude is not None else None
    rules = rules_of(runtime.settings)
    situation = situation_of(session, conversation, resident, now)
    message = policy.Message(text=text, too_long=bool(msg.body) and len(msg.body) > NLU_MAX_CHARS,
                             media_url=msg.media_url, location=location,
                             media=policy.media_kind(msg.media_type) if msg.media_url else None)

    screened = policy.screen(registry, rules, situation, message)
    intent = None
    outcome = screened.final
    if outcome is None:
        situation = screened.situation
        # The writer's staff role, as _role_of would read it: known from staff_id (one query fewer).
        role = str(staff.role) if staff is not None and staff.active and staff.phone == msg.from_phone else None
        turn = read_turn(session, runtime, registry, resident, situation, text, now, channel=msg.channel,
                         profile_name=msg.profile_name, location=location, media_url=msg.media_url, group=group,
                         role=role)
        intent = turn.intent
        outcome = policy.decide(registry, rules, situation, turn)
    results, added = carry_out(fx.Context(session, resident, conversation, now, runtime, msg.as_written), outcome.effects)
    replies = [*screened.lead, *outcome.replies, *added]
    if conversation in session:  # erase_data may leave the conversation as the only trace
        save_outcome(conversation, outcome, now)
        conversation.asked = interactive.asked_token(replies)
    # A resident who just had their data erased is no longer anyone's: the confirmation goes to
    # the number that asked (the row's recipient would otherwise be found erased and canceled).
    return Answer(replies, results, intent, resident_id=None if resident.erased_at is not None else resident.id)


def read_turn(session: Session, runtime, registry, resident: Resident, situation: policy.Situation, text: str,
              now: datetime, *, channel: str, profile_name: str | None = None,
              location: tuple[float, float] | None = None, media_url: str | None = None,
              group: int | None = None, role: str | None | object = ...) -> Turn:
    """A message as the policy reads it: understood, with the resident and the facts. Shared by the
    WhatsApp webhook and the Rasa actions, so both read a message the same way. `role`: the writer's
    active staff role when the caller knows it (None: not staff), else it is read."""
    understanding = runtime.recogniser.understand(text) if text else None
    intent, confidence = dispatch.intent_of(
        registry, text, (understanding.intent, understanding.confidence) if understanding else None, location)
    return Turn(text=text, intent=intent, entities=dict(understanding.entities) if understanding else {},
                confidence=confidence, slots=dict(situation.slots),
                resident=_view(session, resident, channel, profile_name, role),
                facts=DbFacts(session, resident, now, runtime.settings.bot_timezone,
                              show_petugas_phone=runtime.settings.show_petugas_phone,
                              bot_number=runtime.settings.bot_whatsapp_number,
                              reminder_plan=runtime.settings.reminder_plan), nlu=runtime.recogniser,
                now=now, location=location, media_url=media_url, render=render_say, group=group)


def rules_of(settings) -> policy.Rules:
    return policy.Rules(idle_timeout=timedelta(minutes=settings.idle_timeout_minutes),
                        flood_limit_per_minute=settings.flood_limit_per_minute)


def situation_of(session: Session, conversation: Conversation, resident: Resident, now: datetime) -> policy.Situation:
    in_handoff = False
    if conversation.handoff_ticket_id is not None:
        ticket = session.get(Ticket, conversation.handoff_ticket_id)
        in_handoff = ticket is not None and ticket.status not in CLOSED_TICKET
        if not in_handoff:  # the ticket was closed or is gone: the chat is the bot's again
            conversation.handoff_ticket_id = None
    return policy.Situation(
        flow=conversation.flow, state=conversation.state, slots=dict(conversation.slots or {}),
        misses=conversation.misunderstood or 0, idle_for=now - conversation.updated_at, in_handoff=in_handoff,
        flood_count=resident.flood_count)


def _view(session: Session, resident: Resident, channel: str, profile_name: str | None, role=...) -> ResidentView:
    return ResidentView(
        name=resident.name, profile_name=profile_name, channel=channel,
        kecamatan=resident.kecamatan.nama if resident.kecamatan else None,
        desa=resident.desa.nama if resident.desa else None,
        opted_out=resident.opted_out_at is not None, surveys_off=resident.surveys_off_at is not None,
        role=_role_of(session, resident.phone) if role is ... else role,
    )


def _role_of(session: Session, phone: str) -> str | None:
    role = session.scalar(select(Staff.role).where(Staff.phone == phone, Staff.active.is_(True)))
    return str(role) if role is not None else None
