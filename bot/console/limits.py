"""Console login limits that hold under concurrency and across web instances, and that a stranger
cannot turn against a staff member.

Every attempt is counted BEFORE the password is checked, by one atomic statement per key
(INSERT … ON CONFLICT DO UPDATE … RETURNING: the row lock serialises concurrent attempts on
PostgreSQL, the write lock on SQLite), and the count it returns decides. Twelve concurrent guesses
therefore get counts 1…12 and only the first five are checked. A good login takes its attempt back.

Who is counted:
- one phone from one client address, or from one known device (a signed cookie a successful login
  leaves): 5 failures per 15 minutes close that pair only, so guesses from elsewhere never lock the
  staff member out of their own device or address;
- one client address (an IPv6 /64), whatever phone: 20 per 15 minutes;
- one phone from everywhere: past 10 per 15 minutes the phone is under attack and each address that
  is not a known device gets a single try, so guessing from many addresses is still slowed while a
  staff member on a fresh address can still type the right password once.
Code requests have their own counters: 5 codes per number per day, 10 requests per address per 15
minutes; they never count as failed logins (sending codes used to lock the staff member out).
Keys are hashes: the table holds no phone number or address.
"""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, literal, update
from sqlalchemy.orm import Session

from storage.dialect import dialect_name, insert_for
from storage.models import ConsoleLoginCounter

WINDOW = timedelta(minutes=15)
DAY = timedelta(days=1)
MAX_FAILURES_PER_PAIR = 5          # one phone from one address or known device
MAX_FAILURES_PER_ADDRESS = 20      # one address, any phone
PHONE_UNDER_ATTACK = 10            # one phone from everywhere: beyond this, one try per unknown address
MAX_CODES_PER_PHONE_PER_DAY = 5
MAX_CODE_REQUESTS_PER_ADDRESS = 10


def address_bucket(address: str) -> str:
    """What one client address counts as: an IPv6 host usually holds a whole /64, so the /64."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False))


def counter_key(kind: str, *parts: str) -> str:
    return hashlib.sha256(("\x1f".join((kind, *parts))).encode()).hexdigest()


def bump(session: Session, key: str, window: timedelta, now: datetime) -> int:
    """One more in `key`'s window (a fresh window once the old one has passed); the new count."""
    table = ConsoleLoginCounter.__table__
    expired = table.c.window_start <= now - window
    at = literal(now, type_=table.c.window_start.type)
    stmt = insert_for(dialect_name(session), ConsoleLoginCounter).values(key=key, window_start=now, count=1)
    stmt = stmt.on_conflict_do_update(index_elements=[table.c.key], set_={
        "count": case((expired, 1), else_=table.c.count + 1),
        "window_start": case((expired, at), else_=table.c.window_start),
    }).returning(table.c.count)
    return session.execute(stmt).scalar_one()


def take_back(session: Session, key: str) -> None:
    """The attempt counted under `key` was no failure after all."""
    session.execute(update(ConsoleLoginCounter).where(ConsoleLoginCounter.key == key, ConsoleLoginCounter.count > 0)
                    .values(count=ConsoleLoginCounter.count - 1))


def forget(session: Session, key: str) -> None:
    session.execute(delete(ConsoleLoginCounter).where(ConsoleLoginCounter.key == key))


def prune(session: Session, now: datetime) -> None:
    """Rows whose window passed long ago say nothing any more (a day's code counters included)."""
    session.execute(delete(ConsoleLoginCounter).where(ConsoleLoginCounter.window_start < now - 2 * DAY))


@dataclass(frozen=True)
class Attempt:
    """One login attempt, counted: whether it may be checked, and what to take back if it succeeds."""

    allowed: bool
    reason: str
    pair_key: str
    shared_keys: tuple[str, ...]  # address and phone counters


def count_login_attempt(session: Session, phone: str, address: str, device: str | None, now: datetime) -> Attempt:
    """Count the attempt first (atomically), then say whether it may be checked at all."""
    address = address_bucket(address)
    if device:  # a device this phone logged in from before: its own allowance, whoever else guesses
        pair_key = counter_key("login-device", phone, device)
        pair = bump(session, pair_key, WINDOW, now)
        return Attempt(pair <= MAX_FAILURES_PER_PAIR, "device", pair_key, ())
    pair_key = counter_key("login-pair", phone, address)
    address_key, phone_key = counter_key("login-address", address), counter_key("login-phone", phone)
    pair = bump(session, pair_key, WINDOW, now)
    from_address = bump(session, address_key, WINDOW, now)
    on_phone = bump(session, phone_key, WINDOW, now)
    if from_address > MAX_FAILURES_PER_ADDRESS:
        return Attempt(False, "address", pair_key, (address_key, phone_key))
    if pair > MAX_FAILURES_PER_PAIR:
        return Attempt(False, "phone from this address", pair_key, (address_key, phone_key))
    if on_phone > PHONE_UNDER_ATTACK and pair > 1:
        return Attempt(False, "phone under attack from many addresses", pair_key, (address_key, phone_key))
    return Attempt(True, "", pair_key, (address_key, phone_key))


def login_succeeded(session: Session, attempt: Attempt) -> None:
    """A good login forgives this pair's typos and takes its own attempt back from the shared counters."""
    forget(session, attempt.pair_key)
    for key in attempt.shared_keys:
        take_back(session, key)


def count_code_request(session: Session, phone: str, address: str, now: datetime) -> str | None:
    """Count a code request; the reason when it must not be sent (the same for staff and strangers)."""
    address = address_bucket(address)
    per_phone = bump(session, counter_key("code-phone", phone), DAY, now)
    per_address = bump(session, counter_key("code-address", address), WINDOW, now)
    prune(session, now)
    if per_address > MAX_CODE_REQUESTS_PER_ADDRESS:
        return "address"
    if per_phone > MAX_CODES_PER_PHONE_PER_DAY:
        return "codes for this number today"
    return None
