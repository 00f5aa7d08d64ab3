"""The processor's loops: threads that answer stored inbound messages (handlers.processor) as soon
as the webhook commits them.

- Inside `python -m bot serve` (`ProcessLoop(runtime).start()`): the webhook rings
  `runtime.inbound_bell` after its commit; the threads wake at once, and look every `poll`
  seconds anyway.
- As a process of its own (`python -m bot scheduler process-worker`, the Procfile's `processor`):
  the webhooks are in other processes; on PostgreSQL a listener thread LISTENs on
  `kenduren_inbound` (a trigger on inbound_message NOTIFYs at each insert's commit) and rings the
  bell; on SQLite the threads look every `poll` seconds (0.1 by default).
Several threads and several processes may run at once: the claim keeps each resident's messages
in order and every message answered once.
"""

from __future__ import annotations

import logging
import threading

from core.runtime import Runtime
from handlers.processor import CLAIM_BATCH, LEASE_SECONDS, Processor

log = logging.getLogger(__name__)

CHANNEL = "kenduren_inbound"
DEFAULT_THREADS = 2


class ProcessLoop:
    def __init__(self, runtime: Runtime, *, threads: int = DEFAULT_THREADS, lease_seconds: float = LEASE_SECONDS,
                 poll: float = 1.0, listen: bool = False, batch: int = CLAIM_BATCH):
        self.runtime = runtime
        self.processor = Processor(runtime, lease_seconds=lease_seconds)
        self.poll = poll
        self.batch = batch
        self.stop = threading.Event()
        self.bell = runtime.inbound_bell
        self.threads = [threading.Thread(target=self._work, name=f"inbound-processor-{n}", daemon=True)
                        for n in range(max(1, threads))]
        if listen and runtime.engine.dialect.name == "postgresql":
            self.threads.append(threading.Thread(target=self._listen, name="inbound-listener", daemon=True))

    def start(self) -> "ProcessLoop":
        for thread in self.threads:
            thread.start()
        return self

    def close(self, timeout: float = 15.0) -> None:
        self.stop.set()
        self.bell.set()
        for thread in self.threads:
            thread.join(timeout)

    def wait(self) -> None:
        """Until stopped (the process-worker's main thread)."""
        while not self.stop.wait(1.0):
            pass

    def _work(self) -> None:
        while not self.stop.is_set():
            try:
                done = self.processor.run_once(self.batch)
            except Exception:  # noqa: BLE001  (the database away for a moment: keep the process alive)
                log.exception("inbound processor: a round failed; trying again in 2 s")
                self.stop.wait(2.0)
                continue
            if done:
                continue  # more may wait: look again at once
            self.bell.wait(self.poll)
            self.bell.clear()

    def _listen(self) -> None:
        import psycopg

        url = self.runtime.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        while not self.stop.is_set():
            try:
                with psycopg.connect(url, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.bell.set()  # whatever was stored before we listened
                    while not self.stop.is_set():
                        for _ in conn.notifies(timeout=1.0, stop_after=1):
                            self.bell.set()
            except Exception as exc:  # noqa: BLE001  (the threads still look every `poll` seconds)
                log.warning("inbound listener: %s; listening again in 2 s", type(exc).__name__)
                self.stop.wait(2.0)
