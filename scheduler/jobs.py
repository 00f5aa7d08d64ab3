"""The clock's jobs. Each takes (runtime, now) and works in its own transactions, so
`scheduler tick --now …` can run them at any instant; the clock passes the real now.

Order matters for a tick: plan first, then corrections and follow-ups, then send what they wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Callable

from handlers.inbound_spool import replay_spool
from handlers.processor import process_pending
from core.runtime import Runtime
from scheduler.antrean_no_shows import skip_no_shows
from scheduler.corrections import plan_corrections
from scheduler.handoff_followup import follow_up_handoffs
from scheduler.regency import plan_regency_messages
from scheduler.reminders import plan_reminders
from scheduler.sender import drain_outbox


@dataclass(frozen=True)
class Job:
    id: str
    run: Callable[[Runtime, datetime], object]
    every_seconds: int

    def func(self, runtime: Runtime) -> object:
        """What APScheduler calls: the job at the real now."""
        return self.run(runtime, datetime.now(UTC))


JOBS: list[Job] = [
    Job("plan_reminders", plan_reminders, 60),
    # The camat's briefs and attendance, each dinas' preparation list.
    Job("plan_regency_messages", plan_regency_messages, 60),
    Job("plan_corrections", plan_corrections, 60),
    Job("follow_up_handoffs", follow_up_handoffs, 60),
    # Messages the web process had to spool during a database outage, before the drain sends
    # their replies.
    Job("replay_spool", replay_spool, 5),
    # Stored messages no processor answered (none runs, or one died and its lease ran out).
    Job("process_inbound", process_pending, 5),
    Job("skip_antrean_no_shows", skip_no_shows, 60),
    Job("drain_outbox", drain_outbox, 5),
]
