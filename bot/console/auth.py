"""GET/POST /console/login (phone + password, or + a one-time code sent over WhatsApp), logout."""

from __future__ import annotations

import logging

from flask import flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from bot.console.access import ALL_ROLES, allow, log_in, now, public, runtime
from bot.console.blueprint import bp
from bot.console.security import (
    attempt_key, is_limited, issue_code, password_matches, record_attempt, use_code,
)
from bot.logging_setup import mask_phone
from catalogue.console import text
from flows.engine import say
from flows.phones import to_e164
from handlers import notify
from storage.models import Staff

log = logging.getLogger(__name__)


def _safe_next(target: str | None) -> str:
    """Only a path inside the console: never an absolute URL an attacker chose, nor one with a
    control character (CR/LF would split the Location header: a 500 after a good login)."""
    if (target and target.startswith("/console/") and not target.startswith("//") and "\\" not in target
            and len(target) <= 2048 and target.isprintable()):
        return target
    return url_for("console.home")


def _keys(phone: str) -> list[str]:
    return [attempt_key("phone", phone), attempt_key("addr", request.remote_addr or "?")]


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if request.method == "GET":
        if g.get("session_expired"):
            flash(text("console.login.expired"), "info")
        return render_template("console/login.html", next=request.args.get("next", ""), phone="")
    raw_phone = request.form.get("phone", "")
    secret = request.form.get("password", "")
    phone = to_e164(raw_phone) or raw_phone.strip()[:32]
    keys = _keys(phone)
    at = now()
    with runtime().sessions.begin() as s:
        if is_limited(s, keys[0], keys[1], at):
            log.warning("console login refused: too many attempts for %s", mask_phone(phone))
            return render_template("console/login.html", next=request.form.get("next", ""), phone=raw_phone,
                                   error=text("console.login.limited")), 429
        staff = s.scalar(select(Staff).where(Staff.phone == phone, Staff.active.is_(True),
                                             Staff.role.in_(ALL_ROLES)))
        ok = staff is not None and secret and (password_matches(staff.password_hash, secret)
                                              or use_code(s, staff.id, secret, at))
        if not ok and staff is None:
            password_matches(None, secret)  # as slow as a wrong password: no hint that the number is unknown
        record_attempt(s, keys, bool(ok), at)
        if ok:
            log_in(staff)
            log.info("console login: %s (%s)", mask_phone(phone), staff.role)
    if not ok:
        return render_template("console/login.html", next=request.form.get("next", ""), phone=raw_phone,
                               error=text("console.login.failed")), 401
    return redirect(_safe_next(request.form.get("next")))


@bp.post("/login/kode")
@public
def send_code():
    """Send a one-time login code to the staff member's WhatsApp (printed to the log in dry-run)."""
    raw_phone = request.form.get("phone", "")
    phone = to_e164(raw_phone) or raw_phone.strip()[:32]
    keys = _keys(phone)
    at = now()
    rt = runtime()
    with rt.sessions.begin() as s:
        if is_limited(s, keys[0], keys[1], at):
            return render_template("console/login.html", next=request.form.get("next", ""), phone=raw_phone,
                                   error=text("console.login.limited")), 429
        staff = s.scalar(select(Staff).where(Staff.phone == phone, Staff.active.is_(True)))
        # Counted like a failed attempt, so codes cannot be sent to a number over and over.
        record_attempt(s, keys, False, at)
        if staff is not None:
            code = issue_code(s, staff.id, at)
            notify.to_staff(s, staff, "login_code", say("console.login_code", code=code),
                            template_vars={"1": code})
            if rt.settings.dry_run:
                log.warning("DRY-RUN console login code for %s: %s", mask_phone(phone), code)
    # The same answer whether or not the number belongs to staff.
    flash(text("console.login.code_sent"), "info")
    return render_template("console/login.html", next=request.form.get("next", ""), phone=raw_phone)


@bp.post("/logout")
@allow(*ALL_ROLES)
def logout():
    from flask import session

    session.clear()
    flash(text("console.login.logged_out"), "info")
    return redirect(url_for("console.login"))
