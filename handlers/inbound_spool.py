"""The inbound spool: where a signed message waits when the database cannot store it.

Twilio does not retry a messaging webhook, so a message the database could not take is gone
unless it is kept here. One JSON file per message in INBOUND_SPOOL_DIR (default instance/spool):
written to a temporary name, fsync'd, renamed into place (atomic) and the directory fsync'd, so
a file either is there whole or not at all, and survives a crash or power loss once the resident
has been told it is kept.

A file holds the message as the route parsed it at the edge (handlers.webhook_form): the same
`Incoming` the route hands to the handler, NIKs already masked, so nothing is parsed twice and no
NIK reaches the disk. (A file of an older version, holding Twilio's raw form, is parsed on reading
by the same function.)

Replay takes the files in arrival order (their names start with the arrival time in
nanoseconds) and stores each as the webhook would have (keyed by MessageSid, with its arrival
time; `inbound_message.spool_replied_at` records that it came from the spool), then processes
every waiting message (handlers.processor): in each resident's order, replies through the
outbox (kind "reply"), exactly once per MessageSid, so a replay interrupted at any point and run
again adds nothing twice. Only one replayer runs per spool at a time (an flock), whichever process started it
(a web worker, the clock, `scheduler tick`).

Limits: the spool is local to one machine (one spool per instance; the clock or `scheduler
tick` that replays it must see the same directory), and holds as much as that disk does.
"""

from __future__ import annotations

import fcntl
import itertools
import json
import logging
import os
import threading
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Iterator

from core.settings import PROJECT_DIR
from handlers.inbound import Incoming
from handlers.webhook_form import parse_incoming

log = logging.getLogger(__name__)
SUFFIX = ".json"
# After a replay found the database still away, web requests do not try again for this long.
RETRY_AFTER_SECONDS = 1.0
# A directory's mtime changes with every name added, renamed or removed in it, but from a coarse
# clock (a few ms): an empty listing is remembered only once the mtime is older than this.
MTIME_SETTLED_NS = 1_000_000_000


def spool_dir(settings) -> Path:
    return Path(settings.inbound_spool_dir) if settings.inbound_spool_dir else PROJECT_DIR / "instance" / "spool"


@dataclass(frozen=True)
class Spooled:
    path: Path
    incoming: Incoming | None  # None: a file of an older version whose form is not a Twilio message
    received_at: datetime


@dataclass(frozen=True)
class ReplayResult:
    replayed: int
    waiting: int
    rejected: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"replayed": self.replayed, "waiting": self.waiting, "rejected": self.rejected}


class InboundSpool:
    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self._counter = itertools.count()
        self._kick_lock = threading.Lock()
        self._next_try = 0.0
        self._empty_at_mtime: int | None = None  # the directory's mtime when it was last listed empty

    # -- writing --------------------------------------------------------------------------------
    def put(self, incoming: Incoming, received_at: datetime, signature: str = "") -> Path:
        """Keep one message durably; raises OSError when the disk cannot take it."""
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"{time.time_ns():020d}-{os.getpid()}-{next(self._counter):06d}{SUFFIX}"
        # The body as written (before NIK masking) is never put on disk.
        record = {"incoming": {k: v for k, v in asdict(incoming).items() if k != "as_written"},
                  "received_at": received_at.astimezone(UTC).isoformat(), "signature": signature}
        tmp = self.directory / f".{name}.tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(record, f, ensure_ascii=False)
            f.flush()
            os.fsync(f.fileno())
        final = self.directory / name
        os.rename(tmp, final)
        self._fsync_dir()
        return final

    def _fsync_dir(self) -> None:
        fd = os.open(self.directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    # -- reading --------------------------------------------------------------------------------
    def paths(self) -> list[Path]:
        """Waiting messages, oldest first."""
        try:
            with os.scandir(self.directory) as entries:
                names = sorted(e.name for e in entries if e.name.endswith(SUFFIX) and not e.name.startswith("."))
        except FileNotFoundError:
            return []
        return [self.directory / n for n in names]

    def depth(self) -> int:
        return len(self.paths())

    def holds_any(self) -> bool:
        """Whether a message waits: the webhook asks on every request, so the directory is listed
        only when its mtime changed since it was last found empty (one stat instead of a listing);
        any process spooling into it changes the mtime."""
        try:
            mtime = os.stat(self.directory).st_mtime_ns
        except FileNotFoundError:
            return False
        if mtime == self._empty_at_mtime:
            return False
        settled = time.time_ns() - mtime > MTIME_SETTLED_NS
        waiting = bool(self.paths())
        self._empty_at_mtime = mtime if settled and not waiting else None
        return waiting

    def read(self, path: Path) -> Spooled:
        record = json.loads(path.read_text(encoding="utf-8"))
        if "incoming" in record:
            incoming = Incoming(**record["incoming"])
        else:  # written by a version that kept Twilio's form
            incoming = parse_incoming({str(k): str(v) for k, v in record["form"].items()})
        return Spooled(path, incoming, datetime.fromisoformat(record["received_at"]))

    def remove(self, path: Path) -> None:
        path.unlink(missing_ok=True)
        self._fsync_dir()

    def reject(self, path: Path) -> None:
        """A file that is not a message we can replay: set aside for a person to look at."""
        aside = self.directory / "rejected"
        aside.mkdir(exist_ok=True)
        os.rename(path, aside / path.name)
        self._fsync_dir()

    @contextmanager
    def exclusive(self) -> Iterator[bool]:
        """True when this caller is the one replayer now (across processes), False when another is."""
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory / ".replay.lock", "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    # -- replay ---------------------------------------------------------------------------------
    def replay(self, runtime) -> ReplayResult:
        """Replay everything waiting, oldest first; stops at the first database failure."""
        replayed = rejected = 0
        with self.exclusive() as mine:
            if not mine:
                return ReplayResult(0, self.depth())
            while batch := self.paths():  # listed again after each pass: messages spooled meanwhile
                counts = [0, 0]
                stopped = self._replay_batch(runtime, batch, counts)
                replayed, rejected = replayed + counts[0], rejected + counts[1]
                if stopped or not any(counts):
                    break
            if replayed:
                from handlers.processor import process_pending

                try:  # in each resident's order, behind what was stored before
                    process_pending(runtime)
                except Exception as exc:  # stored: a processor answers them when the database is back
                    log.warning("spool: %d replayed and stored, processing them failed (%s); they wait",
                                replayed, type(exc).__name__)
        waiting = self.depth()
        if replayed or rejected:
            log.info("spool: %d replayed, %d rejected, %d waiting", replayed, rejected, waiting)
        return ReplayResult(replayed, waiting, rejected)

    def _replay_batch(self, runtime, batch: list[Path], counts: list[int]) -> bool:
        """Replay `batch` in order; True when a database failure stopped it."""
        from handlers.spool_replay import replay_one

        for path in batch:
            try:
                entry = self.read(path)
            except FileNotFoundError:
                continue  # replayed by another process between listing and reading
            except (OSError, ValueError, KeyError, TypeError):
                log.error("spool: %s is not a readable message; set aside in rejected/", path.name)
                self.reject(path)
                counts[1] += 1
                continue
            try:
                known = entry.incoming is not None and replay_one(runtime, entry.incoming, entry.received_at)
            except Exception as exc:  # the database is still away: keep the file, try later
                log.warning("spool: replay stopped, database not answering (%s); %d waiting",
                            type(exc).__name__, self.depth())
                return True
            if known:
                counts[0] += 1
                self.remove(path)
            else:
                log.error("spool: %s is not a Twilio message; set aside in rejected/", path.name)
                self.reject(path)
                counts[1] += 1
        return False

    def settle(self) -> None:
        """Wait until a background replay of this process (if any) has finished."""
        with self._kick_lock:
            pass

    def kick(self, runtime) -> bool:
        """Replay in a background thread of this process, unless one runs or the last try failed
        just now. Returns whether a thread was started."""
        now = time.monotonic()
        if now < self._next_try or not self._kick_lock.acquire(blocking=False):
            return False

        def run() -> None:
            try:
                result = self.replay(runtime)
                if result.waiting:
                    self._next_try = time.monotonic() + RETRY_AFTER_SECONDS
            except Exception:  # noqa: BLE001  (a background thread must not die silently)
                log.exception("spool: replay failed")
                self._next_try = time.monotonic() + RETRY_AFTER_SECONDS
            finally:
                self._kick_lock.release()

        threading.Thread(target=run, name="spool-replay", daemon=True).start()
        return True


def replay_spool(runtime, now: datetime | None = None) -> dict[str, int]:
    """The clock's job (and `scheduler tick`'s): replay what the web process could not store."""
    result = runtime.spool.replay(runtime) if runtime.spool.depth() else ReplayResult(0, 0)
    return result.as_dict() if (result.replayed or result.waiting or result.rejected) else {}
