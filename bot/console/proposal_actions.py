"""What the console does to a proposal: change its status (the resident is told over WhatsApp) and
merge a duplicate into another proposal of the same desa (its supporters carry over, counted once).
Both are written to the proposal's history with who and when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from catalogue import render
from catalogue.console import text
from flows.engine import say
from handlers import notify
from storage.models import Proposal, ProposalEvent, ProposalSupport, Resident, Staff


def _event(session: Session, proposal: Proposal, staff: Staff, now: datetime, action: str,
           status: str | None = None, note: str | None = None) -> None:
    session.add(ProposalEvent(proposal_id=proposal.id, at=now, actor=staff.role, staff_id=staff.id, action=action,
                              status=status, note=note))
    proposal.updated_at = now


def _kategori(proposal: Proposal) -> str:
    return render(f"usulan.kategori.{proposal.kategori}")


def set_status(session: Session, staff: Staff, proposal: Proposal, status: str, note: str | None,
               now: datetime) -> str:
    proposal.status = status
    _event(session, proposal, staff, now, "status", status, note)
    resident = session.get(Resident, proposal.resident_id) if proposal.resident_id else None
    if resident is not None and resident.phone:
        notify.to_resident(session, resident, "proposal_update", say(
            "console.proposal_status", kode=proposal.kode, kategori=_kategori(proposal), desa=proposal.desa.nama,
            status_text=say(f"status.proposal.{status}"), note=say("console.proposal_note", note=note) if note else ""),
            template_vars={"1": proposal.kode, "2": render(f"status.proposal.{status}")})
    return text("console.proposal.status_set", kode=proposal.kode, status=render(f"status.proposal.{status}"))


def merge_candidates(session: Session, proposal: Proposal) -> list[Proposal]:
    """Other live proposals of the same desa, same kategori first."""
    if proposal.merged_into_id:
        return []
    rows = session.scalars(select(Proposal).where(Proposal.desa_id == proposal.desa_id, Proposal.id != proposal.id,
                                                  Proposal.merged_into_id.is_(None)).order_by(Proposal.created_at))
    return sorted(rows, key=lambda p: p.kategori != proposal.kategori)


def merge_refusal(duplicate: Proposal, target: Proposal | None) -> str | None:
    if target is None:
        return text("console.proposal.merge_unknown")
    if target.id == duplicate.id:
        return text("console.proposal.merge_self")
    if duplicate.merged_into_id or target.merged_into_id:
        return text("console.proposal.merge_already")
    if target.desa_id != duplicate.desa_id:
        return text("console.proposal.merge_other_desa")
    return None


def merge(session: Session, staff: Staff, duplicate: Proposal, target: Proposal, now: datetime) -> str:
    """`duplicate` joins `target`: its supporters become target's (once each), it leaves the lists, and
    its author is told where their support went."""
    already = select(ProposalSupport.resident_id).where(ProposalSupport.proposal_id == target.id,
                                                        ProposalSupport.resident_id.is_not(None))
    session.execute(update(ProposalSupport).where(ProposalSupport.proposal_id == duplicate.id,
                                                  ProposalSupport.resident_id.not_in(already))
                    .values(proposal_id=target.id))
    session.execute(delete(ProposalSupport).where(ProposalSupport.proposal_id == duplicate.id))
    target.support_count = session.scalar(select(func.count()).select_from(ProposalSupport)
                                          .where(ProposalSupport.proposal_id == target.id))
    duplicate.merged_into_id = target.id
    _event(session, duplicate, staff, now, "digabung", note=target.kode)
    _event(session, target, staff, now, "gabungan", note=duplicate.kode)
    author = session.get(Resident, duplicate.resident_id) if duplicate.resident_id else None
    if author is not None and author.phone:
        notify.to_resident(session, author, "proposal_update",
                           say("console.proposal_merged", kode=duplicate.kode, target=target.kode),
                           template_vars={"1": duplicate.kode, "2": target.kode})
    return text("console.proposal.merged", kode=duplicate.kode, target=target.kode, n=target.support_count)


REVIEW_DECISIONS = ("layak", "perlu_verifikasi", "ditolak")


def review_refusal(decision: str, reason: str | None) -> str | None:
    if decision not in REVIEW_DECISIONS:
        return text("console.proposal.bad_status")
    if decision == "ditolak" and not reason:
        return text("console.usulan.reason_needed")
    return None


def review(session: Session, staff: Staff, proposal: Proposal, decision: str, reason: str | None,
           now: datetime) -> str:
    """The console's review before Musrenbang: layak / perlu verifikasi / ditolak (with its reason);
    the resident is told, with the reason, like any status change."""
    return set_status(session, staff, proposal, decision, reason, now)


def set_musrenbang(session: Session, staff: Staff, proposal: Proposal, *, kegiatan: str | None,
                   volume: float | None, satuan: str | None, perangkat_daerah: str | None, prioritas: int | None,
                   now: datetime) -> str:
    """The Musrenbang columns an admin sets (None: back to the derived value), written to the history."""
    before = (proposal.kegiatan, proposal.volume, proposal.satuan, proposal.perangkat_daerah, proposal.prioritas)
    proposal.kegiatan, proposal.volume, proposal.satuan = kegiatan, volume, satuan
    proposal.perangkat_daerah, proposal.prioritas = perangkat_daerah, prioritas
    after = (kegiatan, volume, satuan, perangkat_daerah, prioritas)
    if before != after:
        note = "; ".join(f"{name}: {value if value is not None else '-'}" for name, value in
                         zip(("kegiatan", "volume", "satuan", "perangkat daerah", "prioritas"), after))
        _event(session, proposal, staff, now, "musrenbang", note=note[:500])
    return text("console.usulan.saved", kode=proposal.kode)
