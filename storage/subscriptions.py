"""A resident's reminder subscriptions: the one place that reads and writes them."""

from __future__ import annotations

from sqlalchemy.orm import Session

from storage.models import Resident


def is_subscribed(session: Session, resident: Resident, kecamatan_id: int) -> bool:
    """Whether the resident asked for reminders of this kecamatan and has not stopped them."""
    return resident.opted_out_at is None and resident.subscribed_kecamatan_id == kecamatan_id
