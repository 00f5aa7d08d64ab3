"""The clock's jobs. Each takes the Runtime and works in its own transactions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from bot.runtime import Runtime


@dataclass(frozen=True)
class Job:
    id: str
    func: Callable[[Runtime], object]
    every_seconds: int


JOBS: list[Job] = []
