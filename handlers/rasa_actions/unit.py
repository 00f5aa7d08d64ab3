"""One action call = one unit of work for one resident, like one WhatsApp message."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cache
from typing import Iterator, Sequence

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from core.runtime import Runtime
from core.settings import Settings
from flows.engine import Say, Step, say
from flows.phones import to_e164
from handlers import effects as fx
from handlers.facts import DbFacts
from handlers.replies import carry_out, render_replies
from handlers.residents import locked_conversation, resident_by_phone, save_outcome
from storage.db import utcnow

CHANNEL = "whatsapp"  # Rasa fronts the same WhatsApp conversation; replies render the same way


@cache
def runtime() -> Runtime:
    """One Runtime per action-server process (built on first use, never at import)."""
    return Runtime(Settings.from_env())


@dataclass
class Unit:
    runtime: Runtime
    session: Session
    ctx: fx.Context
    facts: DbFacts
    now: datetime

    @property
    def nlu(self):
        return self.runtime.recogniser

    def screened(self, latest_message: dict, dispatcher: CollectingDispatcher) -> bool:
        """The same conversation policy as WhatsApp before any action: flood, a petugas holding the
        chat (a clear question the bot can answer is answered, the rest relayed; MENU/BATAL leave it),
        voice notes, stickers and contact cards answered kindly, thanks. True when the policy answered."""
        from dataclasses import replace

        from flows import policy
        from flows.engine import Ask
        from handlers.inbound import read_turn, rules_of, situation_of

        text = (latest_message.get("text") or "").strip()
        media_url, media_type = media_of(latest_message)
        if not text and not media_url:
            return False
        registry, rules = self.runtime.registry, rules_of(self.runtime.settings)
        conversation = self.ctx.conversation
        situation = situation_of(self.session, conversation, self.ctx.resident, self.now)
        screened = policy.screen(registry, rules, situation,
                                 policy.Message(text=text, media_url=media_url,
                                                media=policy.media_kind(media_type) if media_url else None))
        final = screened.final
        if final is None and screened.situation.in_handoff:
            # As on WhatsApp: read first, so a clear question is the bot's and the petugas sees it.
            turn = read_turn(self.session, self.runtime, registry, self.ctx.resident, screened.situation, text,
                             self.now, channel=CHANNEL, media_url=media_url)
            final = policy.decide(registry, rules, screened.situation, turn)
            final = replace(final, replies=[*screened.lead, *final.replies])
        elif final is None and not text:
            # A photo without words: Rasa keeps no attachment to add to a proposal, so say only that.
            final = policy.stay(screened.situation, [say("media.ignored", what=say("media.photo"))])
        if final is None:
            kindly = policy.closing_reply(Ask(), text) if text else None
            if kindly is None:
                return False
            final = policy.stay(situation, [kindly])
        results, added = carry_out(self.ctx, final.effects)
        save_outcome(conversation, final, self.now)
        utter(dispatcher, [*final.replies, *added], results)
        return True

    def finish(self, step: Step, dispatcher: CollectingDispatcher) -> dict:
        """Carry out the step's effects and say its replies; return the effects' values (e.g. kode)."""
        results, added = carry_out(self.ctx, step.effects)
        utter(dispatcher, [*step.replies, *added], results)
        return results


def media_of(latest_message: dict) -> tuple[str | None, str | None]:
    """An attachment of the message, from the metadata Rasa passes on: Twilio's own form fields
    (MediaUrl0, MediaContentType0) or `media_url`/`media_type`."""
    metadata = latest_message.get("metadata") or {}
    if not isinstance(metadata, dict):
        return None, None
    url = metadata.get("MediaUrl0") or metadata.get("media_url")
    kind = metadata.get("MediaContentType0") or metadata.get("media_type")
    return (str(url), str(kind) if kind else None) if url else (None, None)


def utter(dispatcher: CollectingDispatcher, replies: Sequence[Say], results: dict | None = None) -> None:
    for text in render_replies(replies, CHANNEL, results):
        dispatcher.utter_message(text=text)


class BadSender(ValueError):
    pass


def message_at(tracker: Tracker) -> datetime | None:
    """When the resident wrote the message these actions answer: Rasa stamps each user event, and a
    form runs 2–3 actions for one message, so this, not the action call, is what the flood limit
    counts. None when the tracker carries no user event (then each call counts, as before)."""
    for rasa_event in reversed(tracker.events or []):  # Rasa's own JSON, not a fact
        if rasa_event.get("event") == "user" and rasa_event.get("timestamp") is not None:
            try:
                return datetime.fromtimestamp(float(rasa_event["timestamp"]), timezone.utc)
            except (TypeError, ValueError, OverflowError, OSError):
                return None
    return None


@contextmanager
def resident_unit(tracker: Tracker) -> Iterator[Unit]:
    phone = to_e164(tracker.sender_id)
    if phone is None:
        raise BadSender(tracker.sender_id)
    rt = runtime()
    now = utcnow()
    with rt.sessions.begin() as session:
        resident = resident_by_phone(session, phone, CHANNEL, now, message_at=message_at(tracker))
        conversation = locked_conversation(session, resident, CHANNEL, now)
        yield Unit(rt, session, fx.Context(session, resident, conversation, now, rt),
                   DbFacts(session, resident, now, rt.settings.bot_timezone,
                           show_petugas_phone=rt.settings.show_petugas_phone,
                           bot_number=rt.settings.bot_whatsapp_number,
                           reminder_plan=rt.settings.reminder_plan), now)
