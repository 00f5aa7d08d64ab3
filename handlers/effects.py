"""Carry out what a flow decided, inside the caller's transaction. Each returns values that the
replies may name (e.g. the new ticket's {kode})."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Mapping

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from flows.phones import mask_niks
from handlers.codes import insert_with_code
from handlers.handoff import start_handoff
from storage.models import (
    Conversation, Desa, InboundMessage, Kecamatan, Layanan, OutboxMessage, OutboxStatus, Proposal, ProposalSupport,
    Resident, Staff, SurveyResponse, Ticket, TicketEvent, Visit,
)


@dataclass
class Context:
    session: Session
    resident: Resident
    conversation: Conversation
    now: datetime
    runtime: Any  # bot.runtime.Runtime, for effects that notify staff


Handler = Callable[[Context, Mapping[str, Any]], dict[str, Any]]


def desa_by_name(session: Session, desa: str, kecamatan: str) -> Desa:
    return session.scalars(select(Desa).join(Desa.kecamatan)
                           .where(Desa.nama == desa, Kecamatan.nama == kecamatan)).one()


def kecamatan_by_name(session: Session, name: str) -> Kecamatan:
    return session.scalars(select(Kecamatan).where(Kecamatan.nama == name)).one()


def create_ticket(ctx: Context, d: Mapping[str, Any]) -> dict[str, Any]:
    s, r = ctx.session, ctx.resident
    lay = s.scalars(select(Layanan).where(Layanan.key == d["layanan"])).one()
    desa = desa_by_name(s, d["desa"], d["desa_kecamatan"])
    visit = s.get(Visit, d["visit_id"])
    staff = s.get(Staff, d["staff_id"]) if d.get("staff_id") else None
    ticket = Ticket(resident_id=r.id, layanan_id=lay.id, opd_id=lay.opd_id, visit_id=visit.id if visit else None,
                    desa_id=desa.id, nama=d["nama"], catatan=d.get("catatan"), nik_masked=d.get("nik_masked"),
                    assigned_staff_id=staff.id if staff else None, created_at=ctx.now, updated_at=ctx.now)
    kode = insert_with_code(s, "KM", ticket)
    s.add(TicketEvent(ticket_id=ticket.id, at=ctx.now, actor="warga", action="dibuat", status=ticket.status))
    if staff:
        staff.last_assigned_at = ctx.now
    r.name, r.name_confirmed = d["nama"], True
    r.desa_id, r.kecamatan_id = desa.id, desa.kecamatan_id
    if d.get("nik_masked"):
        r.nik_masked = d["nik_masked"]
    return {"kode": kode}


def create_proposal(ctx: Context, d: Mapping[str, Any]) -> dict[str, Any]:
    s, r = ctx.session, ctx.resident
    desa = desa_by_name(s, d["desa"], d["desa_kecamatan"])
    proposal = Proposal(resident_id=r.id, kategori=d["kategori"], desa_id=desa.id, deskripsi=mask_niks(d["deskripsi"]),
                        media_url=d.get("media_url"), lat=d.get("lat"), lng=d.get("lng"), support_count=1,
                        created_at=ctx.now, updated_at=ctx.now)
    kode = insert_with_code(s, "US", proposal)
    s.add(ProposalSupport(proposal_id=proposal.id, resident_id=r.id, created_at=ctx.now))
    if r.desa_id is None:
        r.desa_id, r.kecamatan_id = desa.id, desa.kecamatan_id
    return {"kode": kode}


def support_proposal(ctx: Context, d: Mapping[str, Any]) -> dict[str, Any]:
    s = ctx.session
    proposal = s.scalars(select(Proposal).where(Proposal.kode == d["kode"]).with_for_update()).one()
    already = s.scalar(select(ProposalSupport.id).where(ProposalSupport.proposal_id == proposal.id,
                                                        ProposalSupport.resident_id == ctx.resident.id))
    if already is None:
        s.add(ProposalSupport(proposal_id=proposal.id, resident_id=ctx.resident.id, created_at=ctx.now))
        # Counted in SQL so two supporters at once both count.
        s.execute(update(Proposal).where(Proposal.id == proposal.id)
                  .values(support_count=Proposal.support_count + 1, updated_at=ctx.now))
        s.refresh(proposal)
    return {"kode": proposal.kode, "n": proposal.support_count}


def subscribe(ctx: Context, d: Mapping[str, Any]) -> dict[str, Any]:
    r = ctx.resident
    kec = kecamatan_by_name(ctx.session, d["kecamatan"])
    r.subscribed_kecamatan_id, r.subscribed_at, r.opted_out_at = kec.id, ctx.now, None
    if r.kecamatan_id is None:
        r.kecamatan_id = kec.id
    return {}


def opt_out(ctx: Context, d: Mapping[str, Any]) -> dict[str, Any]:
    ctx.resident.opted_out_at = ctx.now
    # Nothing business-initiated that is still waiting may go out any more.
    ctx.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.resident_id == ctx.resident.id, OutboxMessage.status == OutboxStatus.PENDING,
               OutboxMessage.broadcast_id.is_not(None))
        .values(status=OutboxStatus.CANCELED, error_message="opted out")
    )
    return {}


def erase_data(ctx: Context, d: Mapping[str, Any]) -> dict[str, Any]:
    """UU 27/2022: remove name, number, notes and NIK; keep anonymised tickets and proposals."""
    s, r = ctx.session, ctx.resident
    s.execute(update(Ticket).where(Ticket.resident_id == r.id).values(nama=None, catatan=None, nik_masked=None))
    s.execute(update(InboundMessage).where(InboundMessage.from_phone == r.phone)
              .values(from_phone=None, body="[dihapus]", media_url=None, latitude=None, longitude=None, reply=None))
    s.execute(update(OutboxMessage).where(OutboxMessage.resident_id == r.id)
              .values(to_phone="", body="[dihapus]", template_vars=None))
    s.execute(update(OutboxMessage).where(OutboxMessage.resident_id == r.id,
                                          OutboxMessage.status == OutboxStatus.PENDING)
              .values(status=OutboxStatus.CANCELED, error_message="data erased"))
    r.phone = r.name = r.nik_masked = None
    r.name_confirmed = False
    r.desa_id = r.referral_desa_id = r.subscribed_kecamatan_id = None
    r.subscribed_at, r.opted_out_at, r.erased_at = None, ctx.now, ctx.now
    s.execute(delete(Conversation).where(Conversation.resident_id == r.id, Conversation.id != ctx.conversation.id))
    return {}


def save_survey(ctx: Context, d: Mapping[str, Any]) -> dict[str, Any]:
    s = ctx.session
    ticket = s.scalars(select(Ticket).where(Ticket.kode == d["ticket_kode"], Ticket.resident_id == ctx.resident.id)).one()
    if s.scalar(select(SurveyResponse.id).where(SurveyResponse.ticket_id == ticket.id)) is None:
        s.add(SurveyResponse(ticket_id=ticket.id, opd_id=ticket.opd_id, visit_id=ticket.visit_id,
                             rating=d["rating"], comment=d.get("comment"), created_at=ctx.now))
    return {}


EFFECTS: dict[str, Handler] = {
    "create_ticket": create_ticket,
    "create_proposal": create_proposal,
    "support_proposal": support_proposal,
    "subscribe": subscribe,
    "opt_out": opt_out,
    "erase_data": erase_data,
    "save_survey": save_survey,
    "handoff": start_handoff,
}


def apply(ctx: Context, name: str, data: Mapping[str, Any]) -> dict[str, Any]:
    return EFFECTS[name](ctx, data)
