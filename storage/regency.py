"""The regency's figures about visits: each desa's reach and attendance at a visit (for the camat),
what each dinas should prepare for a visit (registrations per service, supplies, walk-ins to
expect), and one line per event for the evaluation across events. Aggregates only, except the
preparation list's names and codes, which the caller shows to the dinas concerned only."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from storage import reference
from storage.models import (
    Desa, Layanan, Opd, Proposal, QueueEntry, QueueStatus, Resident, SurveyResponse, Ticket, TicketStatus, Visit,
    VisitStatus, visit_opd,
)
from storage.reports import WIB, _previous_visit_day

# A registration that will not come: refused, or cancelled by its holder.
NOT_COMING = (TicketStatus.DITOLAK, TicketStatus.DIBATALKAN)


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), WIB)


def run_up(session: Session, visit: Visit) -> tuple[datetime, datetime]:
    """The weeks a visit's mobilisation covers: from the day after the kecamatan's visit before
    (or 90 days) to the end of the visit's day."""
    return day_start(_previous_visit_day(session, visit) + timedelta(days=1)), day_start(visit.tanggal + timedelta(days=1))


def last_held_visit(session: Session, kecamatan_id: int, before: date) -> Visit | None:
    """The kecamatan's most recent visit that took place (planned, not cancelled or moved) before `before`."""
    return session.scalar(select(Visit).where(Visit.kecamatan_id == kecamatan_id, Visit.tanggal < before,
                                              Visit.status == VisitStatus.PLANNED)
                          .order_by(Visit.tanggal.desc()).limit(1))


@dataclass(frozen=True)
class DesaFigure:
    desa_id: int
    desa: str
    jenis: str
    reach: int = 0          # residents who came through the kepala desa's link in the run-up
    registered: int = 0     # registrations for the visit naming this desa
    attended: int = 0       # of them (and walk-ins), checked in at a stand

    @property
    def label(self) -> str:
        return f"{'Kel.' if self.jenis == 'kelurahan' else 'Desa'} {self.desa}"


def desa_figures(session: Session, visit: Visit) -> list[DesaFigure]:
    """Every desa/kelurahan of the visit's kecamatan, with its reach, registrations and attendance
    at that visit (a desa that brought nobody is listed with zeros), ordered by name."""
    start, end = run_up(session, visit)
    reach = dict(session.execute(
        select(Resident.referral_desa_id, func.count()).join(Desa, Desa.id == Resident.referral_desa_id)
        .where(Desa.kecamatan_id == visit.kecamatan_id, Resident.referred_at >= start, Resident.referred_at < end)
        .group_by(Resident.referral_desa_id)).all())
    ticket_desa = func.coalesce(Ticket.desa_id, Resident.desa_id)
    registered = dict(session.execute(
        select(ticket_desa, func.count()).select_from(Ticket).outerjoin(Resident, Resident.id == Ticket.resident_id)
        .where(Ticket.visit_id == visit.id, Ticket.status.not_in(NOT_COMING)).group_by(ticket_desa)).all())
    attended = dict(session.execute(
        select(ticket_desa, func.count()).select_from(Ticket).outerjoin(Resident, Resident.id == Ticket.resident_id)
        .where(came_to(visit)).group_by(ticket_desa)).all())
    rows = session.execute(select(Desa.id, Desa.nama, Desa.jenis).where(Desa.kecamatan_id == visit.kecamatan_id)
                           .order_by(Desa.nama)).all()
    return [DesaFigure(i, nama, jenis, reach.get(i, 0), registered.get(i, 0), attended.get(i, 0))
            for i, nama, jenis in rows]


def came_to(visit: Visit):
    """A registration for the visit whose holder came: checked in at a stand, or served on the day
    itself (a dinas that does not use the antrean closes the ticket "selesai" on the spot)."""
    checked_in = select(QueueEntry.ticket_id).where(QueueEntry.visit_id == visit.id, QueueEntry.ticket_id.is_not(None))
    return (Ticket.visit_id == visit.id) & (
        Ticket.id.in_(checked_in)
        | ((Ticket.status == TicketStatus.SELESAI) & (Ticket.closed_at >= day_start(visit.tanggal))
           & (Ticket.closed_at < day_start(visit.tanggal + timedelta(days=1)))))


def served_on_the_spot_without_queue(session: Session, visit: Visit) -> int:
    """Tickets closed "selesai" on the visit's day that never went through the antrean."""
    queued = select(QueueEntry.ticket_id).where(QueueEntry.visit_id == visit.id, QueueEntry.ticket_id.is_not(None))
    return session.scalar(select(func.count()).select_from(Ticket).where(
        came_to(visit), Ticket.id.not_in(queued))) or 0


def lowest_reach(figures: list[DesaFigure]) -> list[DesaFigure]:
    """The desa that brought fewest residents (all of them when several tie)."""
    if not figures:
        return []
    least = min(f.reach for f in figures)
    return [f for f in figures if f.reach == least]


# — each dinas' preparation list —

@dataclass(frozen=True)
class Registration:
    kode: str
    nama: str | None
    layanan: str
    desa: str | None


@dataclass(frozen=True)
class Supply:
    item: str
    count: int


@dataclass
class Preparation:
    opd_id: int
    opd: str
    per_service: list[tuple[str, int]] = field(default_factory=list)
    supplies: list[Supply] = field(default_factory=list)
    walk_ins: int = 0            # median walk-ins at this dinas' stand in the kecamatan's past visits
    walk_ins_basis: str = "kecamatan"  # "kecamatan", "semua" (no past visit here) or "belum" (none anywhere)
    registrations: list[Registration] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(n for _, n in self.per_service)


def supplies_for(per_service_key: dict[str, int]) -> list[Supply]:
    """What the registrations mean to bring (storage/reference/bekal.csv), with a margin: the
    count per registration times the registrations, plus the margin, summed per item."""
    totals: dict[str, int] = {}
    order: list[str] = []
    for row in reference.bekal():
        n = per_service_key.get(row.layanan_key, 0)
        if not n:
            continue
        if row.item not in totals:
            order.append(row.item)
        totals[row.item] = totals.get(row.item, 0) + n * row.per_registration
    return [Supply(item, totals[item]) for item in order]


def _walk_in_medians(session: Session, visit: Visit, opd_ids: list[int]) -> dict[int, tuple[int, str]]:
    """Per dinas: the median walk-ins at its stand over the kecamatan's earlier visits (a visit it
    attended with no walk-in counts as 0), or over every earlier visit when the kecamatan has none."""
    def medians(where) -> dict[int, int]:
        held = (select(Visit.id, visit_opd.c.opd_id).join(visit_opd, visit_opd.c.visit_id == Visit.id)
                .where(Visit.status == VisitStatus.PLANNED, Visit.tanggal < visit.tanggal, Visit.id != visit.id,
                       visit_opd.c.opd_id.in_(opd_ids), *where))
        pairs = session.execute(held).all()
        counts = dict(((v, o), n) for v, o, n in session.execute(
            select(QueueEntry.visit_id, QueueEntry.opd_id, func.count())
            .where(QueueEntry.walk_in.is_(True), QueueEntry.visit_id.in_({v for v, _ in pairs} or {-1}))
            .group_by(QueueEntry.visit_id, QueueEntry.opd_id)).all())
        per_opd: dict[int, list[int]] = {}
        for v, o in pairs:
            per_opd.setdefault(o, []).append(counts.get((v, o), 0))
        return {o: round(statistics.median(values)) for o, values in per_opd.items()}

    here = medians([Visit.kecamatan_id == visit.kecamatan_id])
    everywhere = medians([]) if len(here) < len(opd_ids) else {}
    out = {}
    for o in opd_ids:
        if o in here:
            out[o] = (here[o], "kecamatan")
        elif o in everywhere:
            out[o] = (everywhere[o], "semua")
        else:
            out[o] = (0, "belum")
    return out


def preparation(session: Session, visit_id: int, opd_id: int | None = None) -> list[Preparation]:
    """Each attending dinas' list for a visit (or one dinas'): registrations per service, supplies,
    walk-ins to expect, and the registrations with their names and codes."""
    visit = session.scalar(select(Visit).where(Visit.id == visit_id).options(selectinload(Visit.opd)))
    if visit is None:
        return []
    attending = [o for o in visit.opd if opd_id is None or o.id == opd_id]
    # A dinas with registrations for the visit though not on its list still gets them.
    extra = session.scalars(select(Opd).where(Opd.id.in_(select(Ticket.opd_id).where(Ticket.visit_id == visit_id)),
                                              Opd.id.not_in([o.id for o in visit.opd] or [-1]))).all()
    attending += [o for o in extra if opd_id is None or o.id == opd_id]
    walk_ins = _walk_in_medians(session, visit, [o.id for o in attending])
    tickets = session.execute(
        select(Ticket.opd_id, Ticket.kode, Ticket.nama, Layanan.key, Layanan.nama_pendek, Desa.nama.label("desa"))
        .outerjoin(Layanan, Layanan.id == Ticket.layanan_id).outerjoin(Desa, Desa.id == Ticket.desa_id)
        .where(Ticket.visit_id == visit_id, Ticket.status.not_in(NOT_COMING))
        .order_by(Layanan.id, Ticket.created_at, Ticket.id)).all()
    out = []
    for opd in sorted(attending, key=lambda o: o.id):
        mine = [t for t in tickets if t.opd_id == opd.id]
        per_key: dict[str, int] = {}
        per_name: dict[str, int] = {}
        for t in mine:
            name = t.nama_pendek or "Lainnya"
            per_name[name] = per_name.get(name, 0) + 1
            if t.key:
                per_key[t.key] = per_key.get(t.key, 0) + 1
        expected, basis = walk_ins[opd.id]
        out.append(Preparation(opd.id, opd.singkatan, list(per_name.items()), supplies_for(per_key), expected, basis,
                               [Registration(t.kode, t.nama, t.nama_pendek or "Lainnya", t.desa) for t in mine]))
    return out


# — one line per event, for the evaluation across events —

@dataclass
class EventLine:
    visit: Visit
    registrations: int = 0
    attendance: int = 0       # residents checked in at any stand
    served: int = 0
    no_shows: int = 0
    median_wait: float | None = None
    satisfaction: float | None = None
    surveys: int = 0
    proposals: int = 0
    reach: int = 0
    desa: list[DesaFigure] = field(default_factory=list)

    @property
    def lowest(self) -> list[DesaFigure]:
        return lowest_reach(self.desa)


def event_lines(session: Session, *, kecamatan_id: int | None = None, start: date | None = None,
                end: date | None = None, limit: int = 60) -> list[EventLine]:
    """Held or planned visits (not cancelled or moved), newest first, each with its figures."""
    stmt = (select(Visit).where(Visit.status == VisitStatus.PLANNED).options(selectinload(Visit.kecamatan))
            .order_by(Visit.tanggal.desc(), Visit.id.desc()).limit(limit))
    if kecamatan_id:
        stmt = stmt.where(Visit.kecamatan_id == kecamatan_id)
    if start:
        stmt = stmt.where(Visit.tanggal >= start)
    if end:
        stmt = stmt.where(Visit.tanggal <= end)
    visits = list(session.scalars(stmt))
    ids = [v.id for v in visits] or [-1]
    registrations = dict(session.execute(select(Ticket.visit_id, func.count()).where(
        Ticket.visit_id.in_(ids), Ticket.status.not_in(NOT_COMING)).group_by(Ticket.visit_id)).all())
    entries: dict[int, list] = {}
    for visit_id, resident_id, status, checked_in, called, rejoined in session.execute(
            select(QueueEntry.visit_id, QueueEntry.resident_id, QueueEntry.status, QueueEntry.checked_in_at,
                   QueueEntry.called_at, QueueEntry.rejoined_at).where(QueueEntry.visit_id.in_(ids))):
        entries.setdefault(visit_id, []).append((resident_id, status, checked_in, called, rejoined))
    ratings = {v: (n, avg) for v, n, avg in session.execute(
        select(SurveyResponse.visit_id, func.count(), func.avg(SurveyResponse.rating))
        .where(SurveyResponse.visit_id.in_(ids)).group_by(SurveyResponse.visit_id))}
    lines = []
    for visit in visits:
        line = EventLine(visit, registrations=registrations.get(visit.id, 0))
        rows = entries.get(visit.id, [])
        unqueued = served_on_the_spot_without_queue(session, visit)
        line.attendance = len({r[0] for r in rows if r[0] is not None}) + sum(r[0] is None for r in rows) + unqueued
        line.served = sum(r[1] == QueueStatus.SERVED for r in rows) + unqueued
        line.no_shows = sum(r[1] == QueueStatus.SKIPPED for r in rows)
        waits = [(called - (rejoined or checked_in)).total_seconds() / 60 for _, status, checked_in, called, rejoined
                 in rows if status == QueueStatus.SERVED and called is not None]
        line.median_wait = round(statistics.median(waits), 1) if waits else None
        n, avg = ratings.get(visit.id, (0, None))
        line.surveys, line.satisfaction = n, (round(float(avg), 2) if avg is not None else None)
        since, until = run_up(session, visit)
        line.proposals = session.scalar(select(func.count()).select_from(Proposal).join(Desa, Desa.id == Proposal.desa_id)
                                        .where(Desa.kecamatan_id == visit.kecamatan_id, Proposal.created_at >= since,
                                               Proposal.created_at < until, Proposal.merged_into_id.is_(None))) or 0
        line.desa = desa_figures(session, visit)
        line.reach = sum(d.reach for d in line.desa)
        lines.append(line)
    return lines

