"""The event report an admin reads after each Kenduren Mas day: aggregates only, no personal data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import (
    Broadcast, Desa, Opd, Proposal, Resident, SurveyResponse, Ticket, Visit, VisitStatus,
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
        Resident.subscribed_kecamatan_id == visit.kecamatan_id, Resident.opted_out_at.is_(None)))
    referrals = dict(session.execute(
        select(Desa.nama, func.count()).join(Resident, Resident.referral_desa_id == Desa.id)
        .where(Desa.kecamatan_id == visit.kecamatan_id).group_by(Desa.nama).order_by(Desa.nama)).all())
    broadcasts = list(session.scalars(select(Broadcast).where(Broadcast.visit_id == visit.id).order_by(Broadcast.due_at)))
    return VisitReport(visit, sorted(lines.values(), key=lambda x: (-x.tickets, x.opd)), proposals, int(supporters),
                       subscribers, broadcasts, referrals)


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
        Resident.referral_desa_id == desa_id, Resident.subscribed_kecamatan_id.is_not(None),
        Resident.opted_out_at.is_(None)))
    proposals = session.scalar(select(func.count()).select_from(Proposal).where(
        Proposal.desa_id == desa_id, Proposal.merged_into_id.is_(None)))
    return DesaReach(desa.nama, desa.kecamatan.nama, referred or 0, subscribed or 0, proposals or 0)
