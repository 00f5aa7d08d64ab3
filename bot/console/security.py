"""The console's secrets: the cookie-signing key, password hashes, one-time codes, CSRF tokens and
the login rate limit (kept in the database, so it holds across web instances and restarts)."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from bot.settings import PROJECT_DIR, Settings
from storage.models import ConsoleLoginAttempt, ConsoleLoginCode

SECRET_FILE = PROJECT_DIR / "instance" / "console_secret_key"
MIN_PASSWORD_LENGTH = 10
ATTEMPT_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_PHONE = 5
MAX_FAILURES_PER_ADDRESS = 20
CODE_LIFETIME = timedelta(minutes=10)
CODE_DIGITS = 6
# A hash that no password matches, checked when the phone is unknown so both cases take as long.
_DUMMY_HASH = generate_password_hash("not-a-password-" + secrets.token_hex(8), method="scrypt")


def secret_key(settings: Settings, path: Path = SECRET_FILE) -> str:
    """CONSOLE_SECRET_KEY, or a random key generated once and kept (mode 600) under instance/."""
    if settings.console_secret_key:
        return settings.console_secret_key
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process wrote it first: use theirs
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(key)
    return key


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def password_matches(stored: str | None, password: str) -> bool:
    return check_password_hash(stored or _DUMMY_HASH, password) and stored is not None


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def same_token(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(a, b)


def attempt_key(kind: str, value: str) -> str:
    """Attempts are counted per hash, so the table holds no phone numbers or addresses."""
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


def recent_failures(session: Session, key: str, now: datetime) -> int:
    return session.scalar(select(func.count()).select_from(ConsoleLoginAttempt).where(
        ConsoleLoginAttempt.key == key, ConsoleLoginAttempt.success.is_(False),
        ConsoleLoginAttempt.at > now - ATTEMPT_WINDOW)) or 0


def is_limited(session: Session, phone_key: str, address_key: str, now: datetime) -> bool:
    return (recent_failures(session, phone_key, now) >= MAX_FAILURES_PER_PHONE
            or recent_failures(session, address_key, now) >= MAX_FAILURES_PER_ADDRESS)


def record_attempt(session: Session, keys: list[str], success: bool, now: datetime) -> None:
    for key in keys:
        session.add(ConsoleLoginAttempt(key=key, at=now, success=success))
    if success:  # a good login forgives the phone's earlier typos
        session.execute(delete(ConsoleLoginAttempt).where(ConsoleLoginAttempt.key == keys[0],
                                                          ConsoleLoginAttempt.success.is_(False)))
    # Old rows say nothing any more; keep the table small.
    session.execute(delete(ConsoleLoginAttempt).where(ConsoleLoginAttempt.at < now - 4 * ATTEMPT_WINDOW))


def issue_code(session: Session, staff_id: int, now: datetime) -> str:
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    session.add(ConsoleLoginCode(staff_id=staff_id, code_hash=hash_password(code), created_at=now,
                                 expires_at=now + CODE_LIFETIME))
    return code


def use_code(session: Session, staff_id: int, code: str, now: datetime) -> bool:
    """True, and the code spent, when `code` is one of the staff member's unexpired unused codes."""
    code = code.strip()
    if not (code.isdigit() and len(code) == CODE_DIGITS):
        return False
    for row in session.scalars(select(ConsoleLoginCode).where(
            ConsoleLoginCode.staff_id == staff_id, ConsoleLoginCode.used_at.is_(None),
            ConsoleLoginCode.expires_at > now).with_for_update()):
        if check_password_hash(row.code_hash, code):
            row.used_at = now
            return True
    return False
