"""Who is looking, and what they may open: checked on the server before every console request.

Fail closed: a console route that declares neither `allow(...)` roles nor `public` answers 403.
Every POST must carry the session's csrf_token.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import wraps
from typing import Callable

from flask import abort, current_app, g, redirect, render_template, request, session, url_for

from bot.console.blueprint import bp as _bp
from bot.console.security import new_csrf_token, same_token
from storage.models import Staff, StaffRole

ADMIN, PETUGAS, KADES = StaffRole.ADMIN.value, StaffRole.PETUGAS.value, StaffRole.KADES.value
CAMAT = StaffRole.CAMAT.value  # reads their own kecamatan only
ALL_ROLES = (ADMIN, PETUGAS, KADES, CAMAT)
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class Viewer:
    """The logged-in staff member, as plain values (no ORM object outlives its session)."""

    id: int
    name: str
    role: str
    opd_id: int | None
    desa_id: int | None
    kecamatan_id: int | None
    is_coordinator: bool

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN


def runtime():
    return current_app.extensions["kenduren"]


def now() -> datetime:
    """The runtime's clock (the same one the webhook uses), so tests can fix the console's instant too."""
    return runtime().clock().astimezone(UTC)


def today():
    from zoneinfo import ZoneInfo

    return now().astimezone(ZoneInfo(runtime().settings.bot_timezone)).date()


def viewer() -> Viewer | None:
    return g.get("viewer")


def allow(*roles: str) -> Callable:
    """The roles that may open this route; anyone else gets 403, and nobody logged in goes to login."""
    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args, **kwargs):
            who = viewer()
            if who is None:
                return redirect(url_for("console.login", next=request.full_path.rstrip("?")))
            if who.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        guarded.console_roles = roles
        return guarded

    return decorate


def public(view: Callable) -> Callable:
    view.console_public = True
    return view


def csrf_token() -> str:
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = new_csrf_token()
    return token


def log_in(staff: Staff) -> None:
    session.clear()  # no value from before the login survives it (session fixation)
    session.permanent = True
    session["staff_id"] = staff.id
    session["sv"] = staff.session_version  # raised by logout, a new password, `people remove`
    session["login_at"] = int(time.time())
    session["csrf"] = new_csrf_token()


def _load_viewer() -> Viewer | None:
    staff_id, login_at = session.get("staff_id"), session.get("login_at")
    if staff_id is None:
        return None
    lifetime = runtime().settings.console_session_minutes * 60
    if not isinstance(login_at, int) or time.time() - login_at > lifetime:
        session.clear()
        g.session_expired = True
        return None
    with runtime().sessions() as s:
        staff = s.get(Staff, staff_id)
        if staff is None or not staff.active or session.get("sv") != staff.session_version:
            session.clear()  # removed, or this person's sessions were ended (logout elsewhere, new password)
            return None
        return Viewer(staff.id, staff.name, staff.role, staff.opd_id, staff.desa_id, staff.kecamatan_id,
                      staff.is_coordinator)


def _install_guards(bp) -> None:
    @bp.before_request
    def _guard():
        view = current_app.view_functions.get(request.endpoint)
        is_static = request.endpoint == "console.static"
        if not is_static and not (getattr(view, "console_public", False) or getattr(view, "console_roles", None)):
            abort(403)
        if is_static:
            return None
        g.viewer = _load_viewer()
        if request.method in UNSAFE_METHODS and not same_token(session.get("csrf"), request.form.get("csrf_token")):
            abort(400, description="csrf")
        return None

    @bp.context_processor
    def _template_globals():
        from catalogue import render
        from catalogue.console import text

        # t: the console's own texts; m: any catalogue text (kategori and status names residents read).
        return {"t": text, "m": render, "csrf_token": csrf_token, "viewer": viewer, "nav_endpoints": current_app.view_functions}

    for code in (400, 403, 404):
        bp.register_error_handler(code, _error_page(code))


def _error_page(code: int):
    def handler(error):
        return render_template("console/error.html", code=code), code

    return handler


_install_guards(_bp)
