"""Recovery: did an interrupted attempt reach Twilio? Asked before anything is sent again.

A worker that died between its send and recording the SID leaves a row `claimed` with an expired
lease; an ambiguous failure of our own (read timeout, connection cut mid-response, HTTP 5xx)
leaves it the same way, with a lease ending after the backoff. Before such a row is sent, Twilio
is asked: messages to that number (GET …/Messages.json?To=…, newest first) created while the old
attempt could still send, from when it began to when its lease ended, with a few minutes' slack
either side.

Sound because at most one row is in flight per recipient (handlers.outbox.claim): an
outbound-api message in that window that no outbox row holds can only be this row's. Its body
only has to fit the row's possible shapes — its free text, or, where a template could have gone
instead, a template: empty through a Messaging Service (Twilio shows no body for those), else
rendered with the row's variables; a question sent as content (buttons, a list), empty or showing
the question. There is never a choice between rows to guess: messages
Twilio cannot tell apart (two templates with no body) are never in flight together. Found → its
SID is recorded and nothing is sent. Not found → the old request never reached Twilio, and it is
safe to send.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from handlers.transport import Sender, SentRecord
from catalogue import for_channel
from handlers.outbox.claim import Claimed
from handlers.status_callback import CONTENT_REFUSED_CODES
from storage.models import OutboxMessage, StatusCallback

log = logging.getLogger(__name__)
# Twilio's date_created has one-second precision, and machines' clocks differ a little.
LOOKUP_SLACK = timedelta(minutes=5)


def find_earlier_send(sessions: sessionmaker, sender: Sender, row: Claimed, templates: dict[str, str]) -> str | None:
    """The SID of the message this row's interrupted attempt created at Twilio, or None."""
    since = row.attempt_began_at - LOOKUP_SLACK
    # Only what was created while the interrupted attempt could still send: a later message
    # to the same number (the next reminder of the same visit, say) is another row's.
    until = row.attempt_ended_by + LOOKUP_SLACK if row.attempt_ended_by else None
    records = [r for r in sender.find_sent(row.channel, row.to_phone, since)
               if r.direction == "outbound-api"  # not TwiML replies ("outbound-reply")
               and (until is None or r.date_created is None or r.date_created <= until)]
    if not records:
        return None
    sids = [r.sid for r in records]
    with sessions() as session:
        held = set(session.scalars(select(OutboxMessage.twilio_sid).where(OutboxMessage.twilio_sid.in_(sids))))
        # A free-form message Twilio refused outside the window (63016) was let go by its row,
        # which went on by template; so was a question's content refused after sending, which went
        # on as numbered text: it is not that row's message any more.
        let_go = set(session.scalars(select(StatusCallback.message_sid).where(
            StatusCallback.message_sid.in_(sids), StatusCallback.error_code.in_(CONTENT_REFUSED_CODES))))
    found = [r for r in records if r.sid not in held and r.sid not in let_go and could_be(row, r, templates)]
    if len(found) > 1:
        log.warning("outbox %s: %d unheld messages at Twilio for one interrupted send; taking the earliest",
                    row.id, len(found))
    return found[-1].sid if found else None  # newest first: the last is the earliest


def could_be(row: Claimed, record: SentRecord, templates: dict[str, str]) -> bool:
    """Whether `record` has a shape this row's attempt could have had."""
    if record.body == for_channel(row.body, row.channel):
        return True
    if row.channel == "whatsapp" and row.content_kind is not None and row.content_variables:
        # Buttons or a list: no body through a Messaging Service, else one that shows the
        # question (variable 1) as the template rendered it.
        question = str(row.content_variables.get("1") or "")
        if record.body == "" or (question and question in record.body):
            return True
    template_possible = row.channel == "whatsapp" and bool(templates.get(row.kind)) and row.template_vars is not None
    return template_possible and (record.body == "" or _carries_variables(record.body, row))


def _carries_variables(body: str, row: Claimed) -> bool:
    """A template Twilio rendered shows its variables. Only a filter of shapes, never a way to
    choose between rows."""
    values = [v for v in (row.template_vars or {}).values() if v]
    return all(v in body for v in values)
