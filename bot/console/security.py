"""The console's secrets: the cookie-signing key, password hashes, one-time codes (kept as hashes only),
CSRF tokens, session versions and known-device cookies. The login limits are bot.console.limits."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from core.settings import PROJECT_DIR, Settings
from storage.models import ConsoleLoginCode, Staff

SECRET_FILE = PROJECT_DIR / "instance" / "console_secret_key"
MIN_PASSWORD_LENGTH = 10
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


def end_sessions(session: Session, staff_id: int) -> None:
    """Every console session of this person ends (logout, a new password, `people remove`)."""
    session.execute(update(Staff).where(Staff.id == staff_id).values(session_version=Staff.session_version + 1))


# -- known devices: where a staff member logged in before keeps its own login allowance ----------
DEVICE_COOKIE = "km_device"
DEVICE_DAYS = 180


def _device_signer(secret: str):
    from itsdangerous import URLSafeTimedSerializer

    return URLSafeTimedSerializer(secret, salt="km-console-device")


def _phone_tag(phone: str) -> str:
    return hashlib.sha256(f"device:{phone}".encode()).hexdigest()[:24]


def device_token(secret: str, phone: str, device: str) -> str:
    return _device_signer(secret).dumps({"p": _phone_tag(phone), "d": device})


def known_device(secret: str, token: str | None, phone: str) -> str | None:
    """The device id when `token` is a device cookie this phone's login left (not forged, not stale)."""
    if not token or len(token) > 512:
        return None
    from itsdangerous import BadSignature

    try:
        data = _device_signer(secret).loads(token, max_age=DEVICE_DAYS * 86400)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or not hmac.compare_digest(str(data.get("p", "")), _phone_tag(phone)):
        return None
    device = data.get("d")
    return device if isinstance(device, str) and 8 <= len(device) <= 64 else None


def new_device_id() -> str:
    return secrets.token_urlsafe(16)


def waste_like_issue_code() -> None:
    """The CPU issue_code spends, for a number that is not staff (the answer must not tell)."""
    hash_password("0" * CODE_DIGITS)


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
