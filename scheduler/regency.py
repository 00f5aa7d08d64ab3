"""The regency's messages around a visit, planned by the clock like reminders: one broadcast per
(visit, kind), unique in the database, and one outbox row per recipient, unique per (broadcast,
staff) — so each (visit, kind, recipient) is planned exactly once, however many clocks run.

- the camat, H-7 and H-3 at 07:00: a brief to forward to the kepala desa, with each desa's reach
  at the kecamatan's last visit and the desa that brought fewest named (only the latest of the two
  that has come is planned, like reminders: a schedule imported at H-5 sends the H-3 one only);
- the camat, the day after the visit at 07:00 (up to three days late): attendance per desa;
- each attending dinas' active petugas, H-2 at 07:00 until the visit starts: that dinas'
  preparation list (registrations per service, supplies, walk-ins to expect).

Broadcast kinds start with "staf_": corrections of a moved or cancelled visit go to the residents
and kepala desa its reminders reached (handlers/corrections.py), not to these staff.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from core.runtime import Runtime
from catalogue import TWILIO_BODY_LIMIT, render
from flows.dates import rentang_jam, tanggal
from handlers.outbox import enqueue
from handlers.quiet_hours import quiet_hours_of
from flows.reminder_plan import CAMAT_BRIEF_DAYS, STAFF_AT
from handlers.broadcasts import create_broadcast
from storage.models import Broadcast, Staff, StaffRole, Visit, VisitStatus
from storage.regency import desa_figures, last_held_visit, lowest_reach, preparation
from storage.schedule import upcoming_planned

log = logging.getLogger(__name__)

STAFF_PREFIX = "staf_"
CAMAT_H7, CAMAT_H3 = "staf_camat_h7", "staf_camat_h3"
CAMAT_HASIL = "staf_camat_hasil"
PERSIAPAN = "staf_persiapan"
AT = STAFF_AT
# (kind, days before the visit) for the camat's brief, earliest first.
CAMAT_PLAN = ((CAMAT_H7, CAMAT_BRIEF_DAYS[0]), (CAMAT_H3, CAMAT_BRIEF_DAYS[1]))
PERSIAPAN_DAYS = 2
HASIL_LATE_DAYS = 3  # the attendance message is still worth sending this many days after the visit
REACH_LINES = 30


@dataclass(frozen=True)
class PlannedStaff:
    broadcast_id: int
    visit_id: int
    kind: str
    recipients: int


def _at(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, AT, tz).astimezone(UTC)


def plan_regency_messages(runtime: Runtime, now: datetime) -> list[PlannedStaff]:
    tz = ZoneInfo(runtime.settings.bot_timezone)
    today = now.astimezone(tz).date()
    planned: list[PlannedStaff] = []
    with runtime.sessions() as session:
        upcoming = [(v.id, v.tanggal, v.mulai) for v in upcoming_planned(session, today, until=today + timedelta(days=7))]
        held = list(session.execute(select(Visit.id, Visit.tanggal).where(
            Visit.status == VisitStatus.PLANNED, Visit.tanggal < today,
            Visit.tanggal >= today - timedelta(days=HASIL_LATE_DAYS + 1))).all())
    for visit_id, day, mulai in upcoming:
        starts = datetime.combine(day, mulai, tz).astimezone(UTC)
        if now >= starts:
            continue
        due = [(kind, _at(day - timedelta(days=n), tz)) for kind, n in CAMAT_PLAN]
        come = [(kind, at) for kind, at in due if at <= now]
        # From H-1 the kepala desa have their own reminders: a brief to forward would come too late.
        if come and now < _at(day - timedelta(days=1), tz):
            kind, at = come[-1]
            expires = min([later for _, later in due if later > at] + [starts])
            planned += _plan(runtime, visit_id, kind, at, expires, now)
        at = _at(day - timedelta(days=PERSIAPAN_DAYS), tz)
        if at <= now:
            planned += _plan(runtime, visit_id, PERSIAPAN, at, starts, now)
    for visit_id, day in held:
        at = _at(day + timedelta(days=1), tz)
        if at <= now:
            planned += _plan(runtime, visit_id, CAMAT_HASIL, at, at + timedelta(days=HASIL_LATE_DAYS), now)
    return planned


def _plan(runtime: Runtime, visit_id: int, kind: str, due_at: datetime, expires: datetime,
          now: datetime) -> list[PlannedStaff]:
    with runtime.sessions.begin() as session:
        broadcast_id = create_broadcast(session, visit_id, kind, due_at, now)
        if broadcast_id is None:
            return []
        visit = session.scalar(select(Visit).where(Visit.id == visit_id)
                               .options(selectinload(Visit.kecamatan), selectinload(Visit.opd)))
        send_from = quiet_hours_of(runtime.settings).next_end(now)
        writer = enqueue_persiapan if kind == PERSIAPAN else enqueue_camat
        n = writer(session, runtime, broadcast_id, kind, visit, send_from, expires)
        session.execute(update(Broadcast).where(Broadcast.id == broadcast_id).values(recipients=n))
    log.info("planned %s for visit %s: %s recipients", kind, visit_id, n)
    return [PlannedStaff(broadcast_id, visit_id, kind, n)]


def _visit_facts(visit: Visit) -> dict[str, str]:
    return {"kecamatan": visit.kecamatan.nama, "tanggal": tanggal(visit.tanggal),
            "jam": rentang_jam(visit.mulai, visit.selesai), "lokasi": visit.lokasi}


def camats_of(session: Session, kecamatan_id: int) -> list[tuple[int, str]]:
    return list(session.execute(select(Staff.id, Staff.phone).where(
        Staff.role == StaffRole.CAMAT, Staff.active.is_(True), Staff.kecamatan_id == kecamatan_id)
        .order_by(Staff.id)).all())


def kapan(day: date, today: date) -> str:
    """"seminggu lagi", "3 hari lagi", "lusa": as far as the visit really is when the brief is written."""
    days = (day - today).days
    if days == 7:
        return render("camat_kapan_h7")
    if days == 2:
        return render("camat_kapan_lusa")
    return render("camat_kapan_hari", n=days)


def camat_brief(session: Session, visit: Visit, kind: str, today: date) -> tuple[str, dict[str, str]]:
    facts = _visit_facts(visit)
    last = last_held_visit(session, visit.kecamatan_id, visit.tanggal)
    if last is None:
        reach, lowest_var = render("camat_reach_first", kecamatan=facts["kecamatan"]), "-"
    else:
        figures = desa_figures(session, last)
        lowest = lowest_reach(figures)
        # Fewest first: the desa that most need the kepala desa's push lead the list.
        ordered = sorted(figures, key=lambda f: (f.reach, f.desa))
        lines = [render("camat_reach_line", desa=f.label, n=f.reach) for f in ordered[:REACH_LINES]]
        if len(ordered) > REACH_LINES:
            lines.append(render("camat_reach_more", n=len(ordered) - REACH_LINES))
        names = ", ".join(f.label for f in lowest[:5]) + (" …" if len(lowest) > 5 else "")
        reach = (render("camat_reach_intro", tanggal_lalu=tanggal(last.tanggal), daftar="\n".join(lines)) + "\n"
                 + render("camat_reach_lowest", desa=names))
        lowest_var = render("camat_reach_lowest_var", desa=names, n=lowest[0].reach) if lowest else "-"
    body = render("camat_brief", kapan=kapan(visit.tanggal, today), jangkauan=reach, **facts)
    return body, {"1": facts["kecamatan"], "2": facts["tanggal"], "3": lowest_var}


def camat_result(session: Session, visit: Visit) -> tuple[str, dict[str, str]]:
    facts = _visit_facts(visit)
    figures = desa_figures(session, visit)
    shown = [f for f in figures if f.registered or f.attended]
    hadir, terdaftar = sum(f.attended for f in figures), sum(f.registered for f in figures)
    daftar = "\n".join(render("camat_hasil_line", desa=f.label, hadir=f.attended, terdaftar=f.registered)
                       for f in sorted(shown, key=lambda f: (-f.attended, f.desa))) or render("persiapan_none")
    absent = [f.label for f in figures if not f.attended]
    belum = render("camat_hasil_none", desa=", ".join(absent)) if absent else ""
    body = render("camat_hasil", hadir=hadir, terdaftar=terdaftar, daftar=daftar, belum=belum, **facts)
    return body, {"1": facts["kecamatan"], "2": facts["tanggal"],
                  "3": render("camat_hasil_var", hadir=hadir, terdaftar=terdaftar)}


def _fit(body: str) -> str:
    return body if len(body) <= TWILIO_BODY_LIMIT else body[:TWILIO_BODY_LIMIT - 1] + "…"


def enqueue_camat(session: Session, runtime: Runtime, broadcast_id: int, kind: str, visit: Visit,
                  send_from: datetime, expires: datetime) -> int:
    camats = camats_of(session, visit.kecamatan_id)
    if not camats:
        return 0
    today = send_from.astimezone(ZoneInfo(runtime.settings.bot_timezone)).date()  # the day it goes out
    body, template_vars = camat_result(session, visit) if kind == CAMAT_HASIL \
        else camat_brief(session, visit, kind, today)
    outbox_kind = "camat_hasil" if kind == CAMAT_HASIL else "camat_brief"
    for staff_id, phone in camats:
        row = enqueue(session, kind=outbox_kind, channel="whatsapp", to_phone=phone, body=_fit(body),
                      staff_id=staff_id, broadcast_id=broadcast_id, expires_at=expires, template_vars=template_vars)
        row.next_attempt_at = send_from
    return len(camats)


def persiapan_link(runtime: Runtime, visit_id: int) -> str:
    base = runtime.settings.public_base_url.rstrip("/")
    return f"{base}/console/persiapan/{visit_id}" if base else render("persiapan_link_console")


def persiapan_text(runtime: Runtime, visit: Visit, prep) -> tuple[str, dict[str, str]]:
    facts = _visit_facts(visit)
    layanan = "\n".join(render("persiapan_line", layanan=name, n=n) for name, n in prep.per_service) \
        or render("persiapan_none")
    bekal = render("persiapan_bekal", items="\n".join(render("persiapan_bekal_line", item=s.item, n=s.count)
                                                      for s in prep.supplies)) if prep.supplies else ""
    body = render("persiapan", dinas=prep.opd, total=prep.total, layanan=layanan, walk_in=prep.walk_ins,
                  dasar=render(f"persiapan_dasar_{prep.walk_ins_basis}"), bekal=bekal,
                  link=persiapan_link(runtime, visit.id), **facts)
    return body, {"1": prep.opd, "2": render("persiapan_var_where", **facts),
                  "3": render("persiapan_var_count", total=prep.total, walk_in=prep.walk_ins)}


def enqueue_persiapan(session: Session, runtime: Runtime, broadcast_id: int, kind: str, visit: Visit,
                      send_from: datetime, expires: datetime) -> int:
    """One message per active petugas of each attending dinas, with that dinas' list."""
    sent = 0
    for prep in preparation(session, visit.id):
        petugas = session.execute(select(Staff.id, Staff.phone).where(
            Staff.role == StaffRole.PETUGAS, Staff.active.is_(True), Staff.opd_id == prep.opd_id)
            .order_by(Staff.id)).all()
        if not petugas:
            continue
        body, template_vars = persiapan_text(runtime, visit, prep)
        for staff_id, phone in petugas:
            row = enqueue(session, kind="persiapan", channel="whatsapp", to_phone=phone, body=_fit(body),
                          staff_id=staff_id, broadcast_id=broadcast_id, expires_at=expires,
                          template_vars=template_vars)
            row.next_attempt_at = send_from
            sent += 1
    return sent
