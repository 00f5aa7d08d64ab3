"""The outbox: every message that is not a direct reply, and how each is sent exactly once.

By concern:

- `kinds`: the one table of message kinds (direct reply or not, quiet hours, template variables);
- `writer`: the one outbox writer — `enqueue` (a row in the caller's transaction), `enqueue_all`
  (several in one INSERT, no mapped objects: the processor's replies) and `insert_broadcast_rows` (a broadcast's rows in one INSERT … SELECT);
- `claim`: which rows a sender takes, under a lease, at most one in flight per recipient;
- `deliver`: consent, the 24-hour window, template, send, record (`Deliverer`);
- `recover`: whether an interrupted attempt reached Twilio, asked before anything is re-sent.
"""

from handlers.outbox.claim import (RESIDENT_NOTIFY_CHANNEL, Claimed, Lease, backoff, cancel_stale, claim, count_sendable,
                                   resident_claimable, resident_waiting)
from handlers.outbox.deliver import LOST, PREFETCH, Deliverer
from handlers.outbox.kinds import CHANNELS, DIRECT_REPLY_KINDS, KINDS, SENT_STATES, Kind, Lane
from handlers.outbox.writer import enqueue, enqueue_all, insert_broadcast_rows, json_literal

__all__ = ["enqueue", "enqueue_all", "insert_broadcast_rows", "json_literal", "claim", "cancel_stale", "count_sendable", "resident_waiting",
           "resident_claimable", "RESIDENT_NOTIFY_CHANNEL",
           "Deliverer", "LOST", "Lease", "Claimed", "backoff", "PREFETCH", "KINDS", "Kind", "CHANNELS",
           "DIRECT_REPLY_KINDS", "SENT_STATES", "Lane"]
