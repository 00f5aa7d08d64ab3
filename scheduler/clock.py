"""Build the APScheduler clock: one BlockingScheduler for `python -m scheduler`, or a background
one inside `python -m bot serve`. Every guarantee (no double plan, no double send) rests on the
database's constraints and row locks, so a second clock by mistake sends nothing twice."""

from __future__ import annotations

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from core.runtime import Runtime
from scheduler.jobs import JOBS


def _add_jobs(clock: BaseScheduler, runtime: Runtime, without: tuple[str, ...] = ()) -> BaseScheduler:
    for job in JOBS:
        if job.id in without:
            continue
        clock.add_job(job.func, "interval", seconds=job.every_seconds, args=[runtime], id=job.id,
                      replace_existing=True, max_instances=1, coalesce=True, misfire_grace_time=job.every_seconds)
    return clock


def build_background_scheduler(runtime: Runtime, *, without: tuple[str, ...] = ()) -> BackgroundScheduler:
    """`without`: job ids another part of the process does (`serve` sends with a SendLoop)."""
    return _add_jobs(BackgroundScheduler(timezone=runtime.settings.bot_timezone), runtime, without)


def build_blocking_scheduler(runtime: Runtime) -> BlockingScheduler:
    return _add_jobs(BlockingScheduler(timezone=runtime.settings.bot_timezone), runtime)
