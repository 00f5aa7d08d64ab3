"""The event report an admin reads after each Kenduren Mas day: aggregates only, no personal data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage import subscriptions
from storage.queue import StandFigures, stand_figures

from storage.models import (
    Broadcast, Desa, Kecamatan, Opd, Proposal, Resident, SurveyResponse, Ticket, Visit, VisitStatus,
)

WIB = timezone(timedelta(hours=7))


@dataclass
class OpdLine:
    opd: str
    tickets: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    surveys: int = 0
    rating: float | None = None


@dataclass
class VisitReport:
    visit: Visit
    opd: list[OpdLine]
    proposals: dict[str, int]          # kategori → new proposals from this kecamatan since the last visit
    supporters: int                    # support given to those proposals
    subscribers: int                   # residents subscribed to this kecamatan's reminders
    broadcasts: list[Broadcast]
    referrals: dict[str, int]          # desa → residents who came through the kepala desa's link
    queue: list[StandFigures] = field(default_factory=list)  # the antrean per dinas on the day


def _previous_visit_day(session: Session, visit: Visit) -> date:
    previous = session.scalar(select(func.max(Visit.tanggal)).where(
        Visit.kecamatan_id == visit.kecamatan_id, Visit.tanggal < visit.tanggal, Visit.status == VisitStatus.PLANNED))
    return previous or visit.tanggal - timedelta(days=90)


def visit_report(session: Session, visit_id: int) -> VisitReport | None:
    visit = session.get(Visit, visit_id)
    if visit is None:
        return None
    lines: dict[str, OpdLine] = {}
    for opd, status, n in session.execute(
            select(Opd.singkatan, Ticket.status, func.count()).join(Ticket.opd)
            .where(Ticket.visit_id == visit.id).group_by(Opd.singkatan, Ticket.status)):
        line = lines.setdefault(opd, OpdLine(opd))
        line.tickets += n
        line.by_status[status] = n
    for opd, n, avg in session.execute(
            select(Opd.singkatan, func.count(), func.avg(SurveyResponse.rating)).join(Opd, Opd.id == SurveyResponse.opd_id)
            .where(SurveyResponse.visit_id == visit.id).group_by(Opd.singkatan)):
        line = lines.setdefault(opd, OpdLine(opd))
        line.surveys, line.rating = n, round(float(avg), 2)

    since = datetime.combine(_previous_visit_day(session, visit), time(0), WIB)
    until = datetime.combine(visit.tanggal + timedelta(days=1), time(0), WIB)
    in_kecamatan = (Desa.kecamatan_id == visit.kecamatan_id, Proposal.created_at >= since, Proposal.created_at < until)
    proposals = dict(session.execute(select(Proposal.kategori, func.count()).join(Proposal.desa)
                                     .where(*in_kecamatan).group_by(Proposal.kategori)).all())
    supporters = session.scalar(select(func.coalesce(func.sum(Proposal.support_count - 1), 0))
                                .join(Proposal.desa).where(*in_kecamatan))
    subscribers = session.scalar(select(func.count()).select_from(Resident).where(
        subscriptions.subscribers_of(visit.kecamatan_id), Resident.opted_out_at.is_(None)))
    referrals = dict(session.execute(
        select(Desa.nama, func.count()).join(Resident, Resident.referral_desa_id == Desa.id)
        .where(Desa.kecamatan_id == visit.kecamatan_id).group_by(Desa.nama).order_by(Desa.nama)).all())
    broadcasts = list(session.scalars(select(Broadcast).where(Broadcast.visit_id == visit.id).order_by(Broadcast.due_at)))
    return VisitReport(visit, sorted(lines.values(), key=lambda x: (-x.tickets, x.opd)), proposals, int(supporters),
                       subscribers, broadcasts, referrals, stand_figures(session, visit.id))


@dataclass
class DesaReach:
    desa: str
    kecamatan: str
    referred: int        # residents who first wrote through this desa's kepala desa link
    subscribed: int      # of them, still subscribed to reminders
    proposals: int       # proposals for this desa (duplicates merged away not counted)


def desa_reach(session: Session, desa_id: int) -> DesaReach | None:
    desa = session.get(Desa, desa_id)
    if desa is None:
        return None
    referred = session.scalar(select(func.count()).select_from(Resident).where(Resident.referral_desa_id == desa_id))
    subscribed = session.scalar(select(func.count()).select_from(Resident).where(
        Resident.referral_desa_id == desa_id, subscriptions.subscribed_to_any(),
        Resident.opted_out_at.is_(None)))
    proposals = session.scalar(select(func.count()).select_from(Proposal).where(
        Proposal.desa_id == desa_id, Proposal.merged_into_id.is_(None)))
    return DesaReach(desa.nama, desa.kecamatan.nama, referred or 0, subscribed or 0, proposals or 0)


@dataclass
class Outcomes:
    on_the_spot: int = 0     # closed "selesai" on the visit day itself
    forwarded: int = 0       # handed on to the office (status diteruskan, or closed after the day)
    waiting: int = 0         # still open otherwise (baru, menunggu dokumen)
    rejected: int = 0


def ticket_outcomes(session: Session, visit: Visit) -> Outcomes:
    out = Outcomes()
    day_end = datetime.combine(visit.tanggal + timedelta(days=1), time(0), WIB)
    for status, closed_at in session.execute(select(Ticket.status, Ticket.closed_at).where(Ticket.visit_id == visit.id)):
        if status == "selesai" and closed_at is not None and closed_at < day_end:
            out.on_the_spot += 1
        elif status == "ditolak":
            out.rejected += 1
        elif status in ("diteruskan", "selesai"):
            out.forwarded += 1
        else:
            out.waiting += 1
    return out


def rating_distribution(session: Session, visit_id: int) -> dict[int, int]:
    found = dict(session.execute(select(SurveyResponse.rating, func.count()).where(SurveyResponse.visit_id == visit_id)
                                 .group_by(SurveyResponse.rating)).all())
    return {r: int(found.get(r, 0)) for r in range(1, 6)}


@dataclass
class SummaryLine:
    label: str
    visits: int = 0
    tickets: int = 0
    surveys: int = 0
    rating_sum: float = 0.0

    @property
    def rating(self) -> float | None:
        return round(self.rating_sum / self.surveys, 2) if self.surveys else None


def summary(session: Session) -> tuple[list[SummaryLine], list[SummaryLine]]:
    """Across every held or planned visit (not cancelled or moved): per kecamatan and per month."""
    tickets = dict(session.execute(select(Ticket.visit_id, func.count()).where(Ticket.visit_id.is_not(None))
                                   .group_by(Ticket.visit_id)).all())
    ratings = {v: (n, float(total)) for v, n, total in session.execute(
        select(SurveyResponse.visit_id, func.count(), func.sum(SurveyResponse.rating))
        .where(SurveyResponse.visit_id.is_not(None)).group_by(SurveyResponse.visit_id))}
    per_kecamatan: dict[str, SummaryLine] = {}
    per_month: dict[str, SummaryLine] = {}
    for visit_id, tanggal, kecamatan in session.execute(
            select(Visit.id, Visit.tanggal, Kecamatan.nama).join(Kecamatan, Kecamatan.id == Visit.kecamatan_id)
            .where(Visit.status == VisitStatus.PLANNED)):
        n, total = ratings.get(visit_id, (0, 0.0))
        for line in (per_kecamatan.setdefault(kecamatan, SummaryLine(kecamatan)),
                     per_month.setdefault(tanggal.strftime("%Y-%m"), SummaryLine(tanggal.strftime("%Y-%m")))):
            line.visits += 1
            line.tickets += tickets.get(visit_id, 0)
            line.surveys += n
            line.rating_sum += total
    return (sorted(per_kecamatan.values(), key=lambda x: x.label),
            sorted(per_month.values(), key=lambda x: x.label))
