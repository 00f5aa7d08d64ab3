"""GET/POST /console/login (phone + password, or + a one-time code sent over WhatsApp), logout."""

from __future__ import annotations

import logging
import time

from flask import current_app, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from bot.console.access import ALL_ROLES, allow, log_in, now, public, runtime, viewer
from bot.console.blueprint import bp
from bot.console.limits import count_code_request, count_login_attempt, login_succeeded
from bot.console.security import (
    DEVICE_COOKIE, DEVICE_DAYS, device_token, end_sessions, issue_code, known_device, new_device_id,
    password_matches, use_code, waste_like_issue_code,
)
from core.logging_setup import mask_phone
from catalogue.console import text
from flows.engine import say
from flows.phones import to_e164
from handlers import notify
from storage.models import Staff

log = logging.getLogger(__name__)
# Every "Kirim kode" answer takes this long, whether the number is staff (a code hashed, an outbox
# row written) or not; longer than the slowest real send on a loaded machine.
CODE_SENDER_SECONDS = 0.5


def _safe_next(target: str | None) -> str:
    """Only a path inside the console: never an absolute URL an attacker chose, nor one with a
    control character (CR/LF would split the Location header: a 500 after a good login)."""
    if (target and target.startswith("/console/") and not target.startswith("//") and "\\" not in target
            and len(target) <= 2048 and target.isprintable()):
        return target
    return url_for("console.home")


def client_address() -> str:
    """The client's address (behind TRUSTED_PROXIES reverse proxies: the one they forwarded)."""
    return request.remote_addr or "?"


def _login_page(status: int = 200, *, error: str | None = None, phone: str = ""):
    return render_template("console/login.html", next=request.form.get("next", ""), phone=phone,
                           error=error), status


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if request.method == "GET":
        if g.get("session_expired"):
            flash(text("console.login.expired"), "info")
        return render_template("console/login.html", next=request.args.get("next", ""), phone="")
    raw_phone = request.form.get("phone", "")[:64]
    secret = request.form.get("password", "")[:256]
    phone = to_e164(raw_phone) or raw_phone.strip()[:32]
    address, at, rt = client_address(), now(), runtime()
    key = current_app.secret_key
    device = known_device(key, request.cookies.get(DEVICE_COOKIE), phone)
    with rt.sessions.begin() as s:  # counted first, in its own short transaction: the count decides
        attempt = count_login_attempt(s, phone, address, device, at)
    if not attempt.allowed:
        log.warning("console login refused, too many attempts (%s): %s from %s", attempt.reason, mask_phone(phone),
                    address)
        return _login_page(429, error=text("console.login.limited"), phone=raw_phone)
    with rt.sessions.begin() as s:
        staff = s.scalar(select(Staff).where(Staff.phone == phone, Staff.active.is_(True),
                                             Staff.role.in_(ALL_ROLES)))
        ok = staff is not None and bool(secret) and (password_matches(staff.password_hash, secret)
                                                     or use_code(s, staff.id, secret, at))
        if not ok and staff is None:
            password_matches(None, secret)  # as slow as a wrong password: no hint that the number is unknown
        if ok:
            login_succeeded(s, attempt)
            log_in(staff)
            log.info("console login: %s (%s) from %s", mask_phone(phone), staff.role, address)
    if not ok:
        log.warning("console login failed: %s from %s", mask_phone(phone), address)
        return _login_page(401, error=text("console.login.failed"), phone=raw_phone)
    response = redirect(_safe_next(request.form.get("next")))
    response.set_cookie(DEVICE_COOKIE, device_token(key, phone, device or new_device_id()),
                        max_age=DEVICE_DAYS * 86400, path="/console/login", httponly=True, samesite="Strict",
                        secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@bp.post("/login/kode")
@public
def send_code():
    """Send a one-time login code to the staff member's WhatsApp (printed to the log in dry-run).

    The same answer, and the same time (CODE_SENDER_SECONDS), for any number: staff or not."""
    started = time.monotonic()
    raw_phone = request.form.get("phone", "")[:64]
    phone = to_e164(raw_phone) or raw_phone.strip()[:32]
    address, at, rt = client_address(), now(), runtime()
    with rt.sessions.begin() as s:
        refused = count_code_request(s, phone, address, at)
    if refused:  # the same for staff and strangers, and not padded: a flood holds no thread for long
        log.warning("console login code refused (%s): %s from %s", refused, mask_phone(phone), address)
        return _login_page(429, error=text("console.login.limited"), phone=raw_phone)
    try:
        with rt.sessions.begin() as s:
            staff = s.scalar(select(Staff).where(Staff.phone == phone, Staff.active.is_(True),
                                                 Staff.role.in_(ALL_ROLES)))
            if staff is None:
                waste_like_issue_code()
            else:
                code = issue_code(s, staff.id, at)
                notify.to_staff(s, staff, "login_code", say("console.login_code", code=code),
                                template_vars={"1": code})
                log.info("console login code sent: %s from %s", mask_phone(phone), address)
                if rt.settings.dry_run:
                    log.warning("DRY-RUN console login code for %s: %s", mask_phone(phone), code)
        # The same answer whether or not the number belongs to staff.
        flash(text("console.login.code_sent"), "info")
        return _login_page(phone=raw_phone)
    finally:
        _wait_until(started + CODE_SENDER_SECONDS)


def _wait_until(deadline: float) -> None:
    """Pad the code sender to a fixed duration: without it, ~110 ms said "staff" and ~6 ms "nobody"."""
    left = deadline - time.monotonic()
    if left > 0:
        time.sleep(left)


@bp.post("/logout")
@allow(*ALL_ROLES)
def logout():
    from flask import session

    who = viewer()
    with runtime().sessions.begin() as s:
        end_sessions(s, who.id)  # a cookie copied before logout opens nothing either
    session.clear()
    log.info("console logout: staff %s from %s", who.id, client_address())
    flash(text("console.login.logged_out"), "info")
    return redirect(url_for("console.login"))
