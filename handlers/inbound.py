"""One inbound message → stored once → understood in context → effects and replies, in one transaction."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.catalogue import for_channel, render
from flows import referral
from flows.dispatch import Outcome, Registry, dispatch, main_menu
from flows.engine import ResidentView, Say, Turn, effect, say
from handlers import effects as fx
from handlers.facts import DbFacts
from handlers.replies import carry_out, render_replies
from handlers.residents import locked_conversation, resident_by_phone
from storage.db import utcnow
from storage.dialect import insert_ignore
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
    now = now or utcnow()
    try:
        with runtime.sessions.begin() as session:
            stored = _store(session, msg, now)
            if stored is None:
                return _stored_reply(session, msg.message_sid)
            replies = _process(session, runtime, registry, msg, stored, now)
            stored.reply, stored.processed_at = replies, now
            return replies
    except Exception:
        log.exception("inbound %s from %s failed; stored with an apology", msg.message_sid, msg.from_phone)
        apology = [for_channel(render("menu.error"), msg.channel)]
        with runtime.sessions.begin() as session:
            stored = _store(session, msg, now)
            if stored is None:
                return _stored_reply(session, msg.message_sid) or apology
            stored.reply = apology
        return apology


def _store(session: Session, msg: Incoming, now: datetime) -> InboundMessage | None:
    """Insert keyed by MessageSid; None when this SID was stored before (a repeat delivery)."""
    new_id = session.execute(insert_ignore(session, InboundMessage, ["message_sid"], {
        "message_sid": msg.message_sid, "channel": msg.channel, "from_phone": msg.from_phone,
        "body": msg.body[:STORE_MAX_CHARS] if msg.body else "", "num_media": msg.num_media,
        "media_url": msg.media_url, "latitude": msg.latitude, "longitude": msg.longitude,
        "button_payload": msg.button_payload, "received_at": now,
    }).returning(InboundMessage.id)).scalar()
    return session.get(InboundMessage, new_id) if new_id is not None else None


def _stored_reply(session: Session, sid: str) -> list[str]:
    return list(session.scalar(select(InboundMessage.reply).where(InboundMessage.message_sid == sid)) or [])


def _recent_count(session: Session, msg: Incoming, now: datetime) -> int:
    return session.scalar(select(func.count()).select_from(InboundMessage).where(
        InboundMessage.from_phone == msg.from_phone, InboundMessage.received_at > now - timedelta(minutes=1)))


def _text_of(msg: Incoming) -> str:
    text = msg.button_payload or msg.body or ""
    text = _CONTROL.sub(" ", text).strip()
    return text[:NLU_MAX_CHARS]


def _process(session: Session, runtime, registry: Registry, msg: Incoming, stored: InboundMessage,
             now: datetime) -> list[str]:
    settings = runtime.settings
    staff = session.scalar(select(Staff).where(Staff.phone == msg.from_phone, Staff.active.is_(True)))
    if staff is not None:
        from handlers.petugas_commands import handle_staff_message

        staff.last_inbound_at = now
        return render_replies(handle_staff_message(session, runtime, staff, _text_of(msg), now), msg.channel, {})

    resident = resident_by_phone(session, msg.from_phone, msg.channel, now, msg.profile_name)
    conversation = locked_conversation(session, resident, msg.channel, now)

    recent = _recent_count(session, msg, now)
    if recent > settings.flood_limit_per_minute:
        # One polite answer when the limit is crossed, then silence; everything stays stored.
        return render_replies([say("menu.slow_down")], msg.channel, {}) if recent == settings.flood_limit_per_minute + 1 else []

    if conversation.handoff_ticket_id is not None:
        from handlers.handoff import relay_to_petugas

        relayed = relay_to_petugas(session, runtime, resident, conversation, msg, _text_of(msg), now)
        if relayed is not None:
            conversation.updated_at = now
            return render_replies(relayed, msg.channel, {})

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
        return render_replies(_arrived_by_referral(session, resident, conversation, registry, kode), msg.channel, {})

    if not text and not location and not msg.media_url:
        return render_replies([*lead, say("menu.empty")], msg.channel, {})

    understanding = runtime.recogniser.understand(text) if text else None
    intent = understanding.intent if understanding else ("jadwal" if location else "diluar_topik")
    entities = dict(understanding.entities) if understanding else {}
    confidence = understanding.confidence if understanding else (1.0 if location else 0.0)
    stored.intent = intent

    turn = Turn(text=text, intent=intent, entities=entities, confidence=confidence,
                slots=dict(conversation.slots or {}), resident=_view(resident, msg),
                facts=DbFacts(session, resident, now, settings.bot_timezone), nlu=runtime.recogniser, now=now,
                location=location, media_url=msg.media_url)

    if not text and conversation.flow is None and msg.media_url and not location:
        outcome = main_menu(registry, lead=say("menu.media_received"))
    else:
        outcome = dispatch(registry, conversation.flow, conversation.state, turn)

    outcome = _count_misunderstanding(conversation, outcome)
    results, added = carry_out(fx.Context(session, resident, conversation, now, runtime), outcome.effects)
    outcome = replace(outcome, replies=[*outcome.replies, *added])
    if conversation in session:  # erase_data may leave the conversation as the only trace
        conversation.flow, conversation.state = outcome.flow, outcome.state
        conversation.slots = dict(outcome.slots)
        conversation.updated_at = now
    return render_replies([*lead, *outcome.replies], msg.channel, results)


def _count_misunderstanding(conversation: Conversation, outcome: Outcome) -> Outcome:
    """Two misunderstood messages in a row → a petugas."""
    if outcome.understood:
        conversation.misunderstood = 0
        return outcome
    conversation.misunderstood = (conversation.misunderstood or 0) + 1
    if conversation.misunderstood >= 2:
        conversation.misunderstood = 0
        return Outcome([], None, None, {}, [effect("handoff", reason="tidak_paham")])
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
