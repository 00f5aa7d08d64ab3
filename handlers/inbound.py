"""One inbound message → stored once → understood in context → effects and replies, in one transaction."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from catalogue import for_channel, render
from flows import antrean, referral
from flows.dispatch import Outcome, Registry, dispatch, main_menu
from flows.effects import Handoff
from flows.engine import ResidentView, Say, Turn, say
from handlers import effects as fx
from handlers.facts import DbFacts
from handlers.replies import carry_out, render_replies
from handlers.residents import locked_conversation, resident_by_phone
from storage.db import UTCDateTime, retry_on_disconnect
from storage.dialect import dialect_name, insert_for
from storage.models import Conversation, Desa, InboundMessage, Resident, Staff

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
    longitude: float | None = None
    button_payload: str | None = None


def handle_inbound(runtime, registry: Registry, msg: Incoming, now: datetime | None = None) -> list[str]:
    """The replies to send back (already rendered for the channel). Never raises for bad input."""
    now = now or runtime.clock()

    def unit_of_work() -> list[str]:
        with runtime.sessions.begin() as session:
            stored_id = _store(session, msg, now)
            if stored_id is None:
                return _stored_reply(session, msg.message_sid)
            replies, intent = _process(session, runtime, registry, msg, now)
            session.execute(_RECORD_REPLY, {"row_id": stored_id, "replies": replies, "at": now, "understood": intent})
            return replies

    try:
        return retry_on_disconnect(unit_of_work)
    except Exception:
        log.exception("inbound %s from %s failed; stored with an apology", msg.message_sid, msg.from_phone)
        apology = [for_channel(render("menu.error"), msg.channel)]
        with runtime.sessions.begin() as session:
            stored_id = _store(session, msg, now)
            if stored_id is None:
                return _stored_reply(session, msg.message_sid) or apology
            session.execute(_RECORD_REPLY, {"row_id": stored_id, "replies": apology, "at": None, "understood": None})
        return apology


_STORED_FIELDS = ("message_sid", "channel", "from_phone", "body", "num_media", "media_url", "latitude", "longitude",
                  "button_payload")


# The statements below run on every message: built once (per dialect), on the table rather than
# the mapped class, because building and ORM-processing them cost more than running them.
_INBOUND = InboundMessage.__table__


@cache
def _insert_inbound(dialect: str):
    values = {name: bindparam(name, type_=_INBOUND.c[name].type) for name in _STORED_FIELDS}
    return (insert_for(dialect, _INBOUND).values(**values, received_at=bindparam("now", type_=UTCDateTime()))
            .on_conflict_do_nothing(index_elements=[_INBOUND.c.message_sid]).returning(_INBOUND.c.id))


_RECORD_REPLY = (update(_INBOUND).where(_INBOUND.c.id == bindparam("row_id"))
                 .values(reply=bindparam("replies", type_=_INBOUND.c.reply.type),
                         processed_at=bindparam("at", type_=UTCDateTime()), intent=bindparam("understood")))
_STAFF_ID_BY_PHONE = (select(Staff.__table__.c.id)
                      .where(Staff.__table__.c.phone == bindparam("phone"), Staff.__table__.c.active.is_(True)))


def _store(session: Session, msg: Incoming, now: datetime) -> int | None:
    """Insert keyed by MessageSid; None when this SID was stored before (a repeat delivery)."""
    params = {name: getattr(msg, name) for name in _STORED_FIELDS}
    params.update(body=msg.body[:STORE_MAX_CHARS] if msg.body else "", now=now)
    return session.execute(_insert_inbound(dialect_name(session)), params).scalar()


def _stored_reply(session: Session, sid: str) -> list[str]:
    return list(session.scalar(select(InboundMessage.reply).where(InboundMessage.message_sid == sid)) or [])


def _text_of(msg: Incoming) -> str:
    text = msg.button_payload or msg.body or ""
    text = _CONTROL.sub(" ", text).strip()
    return text[:NLU_MAX_CHARS]


def _process(session: Session, runtime, registry: Registry, msg: Incoming,
             now: datetime) -> tuple[list[str], str | None]:
    """The replies, and the intent understood (None when no flow was asked)."""
    settings = runtime.settings
    staff_id = session.execute(_STAFF_ID_BY_PHONE, {"phone": msg.from_phone}).scalar()
    if staff_id is not None:
        from handlers.petugas_commands import handle_staff_message

        staff = session.get(Staff, staff_id)
        staff.last_inbound_at = now
        staff_replies = handle_staff_message(session, runtime, staff, _text_of(msg), now)
        if staff_replies is not None:
            return render_replies(staff_replies, msg.channel, {}), None
        # A kepala desa or admin asking what residents ask: the bot answers them as a resident.

    resident = resident_by_phone(session, msg.from_phone, msg.channel, now, msg.profile_name)
    conversation = locked_conversation(session, resident, msg.channel, now)

    recent = resident.flood_count
    if recent > settings.flood_limit_per_minute:
        # One polite answer when the limit is crossed, then silence; everything stays stored.
        slow_down = recent == settings.flood_limit_per_minute + 1
        return (render_replies([say("menu.slow_down")], msg.channel, {}) if slow_down else []), None

    if conversation.handoff_ticket_id is not None:
        from handlers.handoff import relay_to_petugas

        relayed = relay_to_petugas(session, runtime, resident, conversation, msg, _text_of(msg), now)
        if relayed is not None:
            conversation.updated_at = now
            return render_replies(relayed, msg.channel, {}), None

    text = _text_of(msg)
    location = (msg.latitude, msg.longitude) if msg.latitude is not None and msg.longitude is not None else None
    lead: list[Say] = []
    if msg.body and len(msg.body) > NLU_MAX_CHARS:
        lead.append(say("menu.too_long"))

    # An idle conversation starts fresh, and the resident is told where they were.
    if conversation.flow and conversation.updated_at < now - timedelta(minutes=settings.idle_timeout_minutes):
        lead.append(say("menu.idle_reset", where=say(f"flow.{conversation.flow}")))
        conversation.flow, conversation.state, conversation.slots = None, None, {}

    kode = referral.desa_kode_in(text)
    if kode:
        return render_replies(_arrived_by_referral(session, resident, conversation, registry, kode), msg.channel, {}), None

    if not text and not location and not msg.media_url:
        return render_replies([*lead, say("menu.empty")], msg.channel, {}), None

    understanding = runtime.recogniser.understand(text) if text else None
    intent = understanding.intent if understanding else ("jadwal" if location else "diluar_topik")
    entities = dict(understanding.entities) if understanding else {}
    confidence = understanding.confidence if understanding else (1.0 if location else 0.0)
    if intent != "antrean" and antrean.recognised(text):  # until the recogniser knows `antrean` (#13)
        intent, confidence = "antrean", max(confidence, 0.9)

    turn = Turn(text=text, intent=intent, entities=entities, confidence=confidence,
                slots=dict(conversation.slots or {}), resident=_view(resident, msg),
                facts=DbFacts(session, resident, now, settings.bot_timezone), nlu=runtime.recogniser, now=now,
                location=location, media_url=msg.media_url)

    if not text and conversation.flow is None and msg.media_url and not location:
        outcome = main_menu(registry, lead=say("menu.media_received"))
    else:
        outcome = dispatch(registry, conversation.flow, conversation.state, turn)

    asked = outcome
    outcome = _count_misunderstanding(conversation, outcome)
    handed_over = outcome is not asked
    results, added = carry_out(fx.Context(session, resident, conversation, now, runtime), outcome.effects)
    outcome = replace(outcome, replies=[*outcome.replies, *added])
    if handed_over and conversation.handoff_ticket_id is None:
        # Nobody could take the chat: the resident keeps their place and is asked again.
        outcome = replace(asked, replies=[*outcome.replies, *asked.replies])
    if conversation in session:  # erase_data may leave the conversation as the only trace
        conversation.flow, conversation.state = outcome.flow, outcome.state
        conversation.slots = dict(outcome.slots)
        conversation.updated_at = now
    return render_replies([*lead, *outcome.replies], msg.channel, results), intent


def _count_misunderstanding(conversation: Conversation, outcome: Outcome) -> Outcome:
    """Two misunderstood messages in a row → a petugas."""
    if outcome.understood:
        conversation.misunderstood = 0
        return outcome
    conversation.misunderstood = (conversation.misunderstood or 0) + 1
    if conversation.misunderstood >= 2:
        conversation.misunderstood = 0
        return Outcome([], None, None, {}, [Handoff(reason="tidak_paham")])
    return outcome


def _arrived_by_referral(session: Session, resident: Resident, conversation: Conversation, registry: Registry,
                         kode: str) -> list[Say]:
    desa = session.scalar(select(Desa).where(Desa.kode == kode))
    if desa is None:
        return main_menu(registry).replies
    if resident.referral_desa_id is None:
        resident.referral_desa_id = desa.id
    if resident.desa_id is None:
        resident.desa_id, resident.kecamatan_id = desa.id, desa.kecamatan_id
    menu = main_menu(registry)
    conversation.flow, conversation.state, conversation.slots = menu.flow, menu.state, dict(menu.slots)
    return [say("menu.referral", desa=desa.nama), *menu.replies,
            say("menu.offer_subscribe", kecamatan=desa.kecamatan.nama)]


def _view(resident: Resident, msg: Incoming) -> ResidentView:
    return ResidentView(
        name=resident.name, profile_name=msg.profile_name, channel=msg.channel,
        kecamatan=resident.kecamatan.nama if resident.kecamatan else None,
        desa=resident.desa.nama if resident.desa else None,
        subscribed_kecamatan=resident.subscribed_kecamatan.nama if resident.subscribed_kecamatan else None,
        opted_out=resident.opted_out_at is not None,
    )
