"""Entering a flow from outside a resident's message (the survey after a petugas closes a ticket):
the engine decides the first question and the state, so no handler writes state strings itself."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from flows.dispatch import Registry, enter
from flows.engine import Say
from handlers.residents import save_outcome
from storage.models import Conversation, Resident


@cache
def default_registry() -> Registry:
    from flows import build_registry

    return build_registry()


def enter_flow(session: Session, resident: Resident, flow_name: str, slots: Mapping[str, Any], now: datetime,
               registry: Registry | None = None) -> list[Say]:
    """Put the resident's latest conversation at the flow's first question; return what to send."""
    outcome = enter(registry or default_registry(), flow_name, slots)
    conversation = session.scalar(select(Conversation).where(Conversation.resident_id == resident.id)
                                  .order_by(Conversation.updated_at.desc()).limit(1).with_for_update())
    if conversation is not None:
        save_outcome(conversation, outcome, now)  # entered afresh: outcome.misses is 0
    return list(outcome.replies)
