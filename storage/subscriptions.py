"""A resident's reminder subscriptions (one row per kecamatan): the one place that reads and writes them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, delete, exists, select
from sqlalchemy.orm import Session

from storage.models import Kecamatan, Resident, Subscription


def kecamatan_of(session: Session, resident: Resident) -> list[str]:
    """The kecamatan the resident gets reminders for, in the order they asked (none once stopped)."""
    if resident.id is None or resident.opted_out_at is not None:
        return []
    return list(session.scalars(select(Kecamatan.nama).join(Subscription, Subscription.kecamatan_id == Kecamatan.id)
                                .where(Subscription.resident_id == resident.id).order_by(Subscription.id)))


def is_subscribed(session: Session, resident: Resident, kecamatan_id: int) -> bool:
    """Whether the resident asked for reminders of this kecamatan and has not stopped them."""
    return resident.opted_out_at is None and session.scalar(
        select(Subscription.id).where(Subscription.resident_id == resident.id,
                                      Subscription.kecamatan_id == kecamatan_id)) is not None


def subscribe(session: Session, resident: Resident, kecamatan_id: int, now: datetime) -> bool:
    """Add the kecamatan (a second one adds, never replaces); True when it was new."""
    resident.subscribed_at, resident.opted_out_at = now, None
    if is_subscribed(session, resident, kecamatan_id):
        return False
    session.add(Subscription(resident_id=resident.id, kecamatan_id=kecamatan_id, created_at=now))
    session.flush()
    return True


def unsubscribe(session: Session, resident: Resident, kecamatan_id: int | None = None) -> None:
    """Stop one kecamatan's reminders, or all of them (kecamatan_id None)."""
    stmt = delete(Subscription).where(Subscription.resident_id == resident.id)
    if kecamatan_id is not None:
        stmt = stmt.where(Subscription.kecamatan_id == kecamatan_id)
    session.execute(stmt)


def subscribers_of(kecamatan_id: int) -> ColumnElement[bool]:
    """A condition on Resident: subscribed to this kecamatan (opt-outs are the caller's filter)."""
    return exists().where(Subscription.resident_id == Resident.id, Subscription.kecamatan_id == kecamatan_id)


def subscribed_to_any() -> ColumnElement[bool]:
    return exists().where(Subscription.resident_id == Resident.id)
