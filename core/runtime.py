"""What one process needs at hand: settings, the database engine and the session factory.

Built once per app or CLI invocation and passed around; nothing here is a module-level global.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, cached_property
from typing import Callable

from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from core.settings import Settings
from storage.db import make_engine, make_sessionmaker, utcnow


@cache
def checked_registry():
    """The flows' registry, checked against the handlers: built once per process (it is made of the
    shipped declarations only and never changes; ~37 ms for each app a test process made)."""
    from flows import build_registry
    from handlers import effects, facts

    registry = build_registry()
    effects.check(registry)  # every effect a flow may emit has its handler
    facts.check()  # the database answers every question flows may ask, with the views they read
    return registry


class Bell:
    """Rung after a commit that wrote residents' outbox rows (a reply, a relay): each ring wakes
    one waiting sender thread, and a ring while none waits is kept for the next (up to `keep`).
    A threading.Event woke every residents' thread of the process for each reply, all of which
    then claimed, for one row."""

    def __init__(self, keep: int = 8):
        self._cond = threading.Condition()
        self._rings = 0
        self._keep = keep

    def set(self) -> None:
        """Ring."""
        with self._cond:
            self._rings = min(self._keep, self._rings + 1)
            self._cond.notify()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait at most `timeout` seconds for a ring and take it; True when rung."""
        with self._cond:
            if not self._rings:
                self._cond.wait(timeout)
            if self._rings:
                self._rings -= 1
                return True
            return False


@dataclass
class Runtime:
    settings: Settings
    engine: Engine = field(init=False)
    sessions: sessionmaker = field(init=False)

    # The instant a webhook is handled at; tests replace it with a fixed clock.
    clock: Callable[[], datetime] = utcnow

    # Rung after a commit that wrote residents' outbox rows (a reply): a sender in this process
    # wakes at once instead of at its next look (scheduler.sender). On PostgreSQL a sender also
    # rings it when another process writes one (NOTIFY outbox_resident).
    outbox_bell: Bell = field(init=False, default_factory=Bell, repr=False, compare=False)

    # Rung after the webhook committed an inbound message: a processor in this process
    # (handlers.processor, inside `python -m bot serve`) takes it at once.
    inbound_bell: threading.Event = field(init=False, default_factory=threading.Event, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.engine = make_engine(self.settings.database_url)
        self.sessions = make_sessionmaker(self.engine)

    @cached_property
    def recogniser(self):
        from core.nlu import build_recogniser, cache_dir_of

        return build_recogniser(cache_dir_of(self.settings))

    @cached_property
    def spool(self):
        """Where inbound messages wait while the database cannot store them (handlers.inbound_spool)."""
        from handlers.inbound_spool import InboundSpool, spool_dir

        return InboundSpool(spool_dir(self.settings))

    @cached_property
    def registry(self):
        return checked_registry()

    def dispose(self) -> None:
        self.engine.dispose()
