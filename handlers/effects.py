"""Carry out what a flow decided, inside the caller's transaction. Each returns values that the
replies may name (e.g. the new ticket's {kode})."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Callable

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from flows import effects as kinds
from flows.engine import Effect, say
from flows.phones import as_written_to, mask_niks
from handlers import notify, transfer
from handlers.antrean.checkin import check_in_effect
from handlers.codes import PROPOSAL_PREFIX, TICKET_PREFIX, insert_with_code
from handlers.handoff.relay import answered_by_bot, relay_to_petugas
from handlers.handoff.start import start_handoff
from flows.dates import tanggal
from storage import subscriptions
from storage.models import (
    CLOSED_TICKET, Broadcast, Conversation, Desa, InboundMessage, Kecamatan, Layanan, OutboxMessage, OutboxStatus, Proposal,
    ProposalSupport, Resident, Staff, StaffRole, SurveyResponse, Ticket, TicketAction, TicketEvent, TicketStatus, Visit,
)


@dataclass
class Context:
    session: Session
    resident: Resident
    conversation: Conversation
    now: datetime
    runtime: Any  # core.runtime.Runtime, for effects that notify staff
    as_written: str | None = None  # the message before NIK masking: only the petugas holding the chat reads it


Handler = Callable[[Context, Any], dict[str, Any]]


def desa_by_name(session: Session, desa: str, kecamatan: str) -> Desa:
    return session.scalars(select(Desa).join(Desa.kecamatan)
                           .where(Desa.nama == desa, Kecamatan.nama == kecamatan)).one()


def kecamatan_by_name(session: Session, name: str) -> Kecamatan:
    return session.scalars(select(Kecamatan).where(Kecamatan.nama == name)).one()


def create_ticket(ctx: Context, d: kinds.CreateTicket) -> dict[str, Any]:
    s, r = ctx.session, ctx.resident
    lay = s.scalars(select(Layanan).where(Layanan.key == d.layanan)).one()
    desa = desa_by_name(s, d.desa, d.desa_kecamatan)
    visit = s.get(Visit, d.visit_id)
    staff = s.get(Staff, d.staff_id) if d.staff_id else None
    ticket = Ticket(resident_id=r.id, layanan_id=lay.id, opd_id=lay.opd_id, visit_id=visit.id if visit else None,
                    desa_id=desa.id, nama=d.nama, relasi=d.relasi, catatan=d.catatan, nik_masked=d.nik_masked,
                    assigned_staff_id=staff.id if staff else None, created_at=ctx.now, updated_at=ctx.now)
    kode = insert_with_code(s, TICKET_PREFIX, ticket)
    s.add(TicketEvent(ticket_id=ticket.id, at=ctx.now, actor="warga", action=TicketAction.DIBUAT, status=ticket.status))
    if staff:
        staff.last_assigned_at = ctx.now
    if d.relasi is None:  # the resident's own: their name and home; a relative's are the ticket's only
        r.name, r.name_confirmed = d.nama, True
        r.desa_id, r.kecamatan_id = desa.id, desa.kecamatan_id
        if d.nik_masked:
            r.nik_masked = d.nik_masked
    else:
        if d.holder_nama:  # "kula Slamet, badhe ndaftaraken bapak kula": Slamet holds it, the father is on it
            r.name, r.name_confirmed = d.holder_nama, True
        if r.desa_id is None and not d.holder_outside:  # one who lives outside the regency: never their home
            r.desa_id, r.kecamatan_id = desa.id, desa.kecamatan_id
    return {"kode": kode}


def _own_open_ticket(ctx: Context, kode: str) -> Ticket | None:
    return ctx.session.scalar(select(Ticket).where(Ticket.kode == kode, Ticket.resident_id == ctx.resident.id,
                                                   Ticket.status.not_in(CLOSED_TICKET)).with_for_update())


def _tell_dinas(ctx: Context, ticket: Ticket, message, status_text: str) -> None:
    """The petugas holding the ticket, or else every active petugas of its dinas."""
    s = ctx.session
    staff = [ticket.assigned_staff] if ticket.assigned_staff and ticket.assigned_staff.active else list(s.scalars(
        select(Staff).where(Staff.opd_id == ticket.opd_id, Staff.role == StaffRole.PETUGAS, Staff.active.is_(True))))
    for member in staff:
        notify.to_staff(s, member, "ticket_update", message, ticket_id=ticket.id,
                        template_vars={"1": ticket.kode, "2": status_text})


def _ticket_layanan(ticket: Ticket) -> str:
    return ticket.layanan.nama_pendek if ticket.layanan else ticket.opd.singkatan


def cancel_ticket(ctx: Context, d: kinds.CancelTicket) -> dict[str, Any]:
    ticket = _own_open_ticket(ctx, d.kode)
    if ticket is None:
        return {}
    ticket.status, ticket.closed_at, ticket.updated_at = TicketStatus.DIBATALKAN, ctx.now, ctx.now
    ctx.session.add(TicketEvent(ticket_id=ticket.id, at=ctx.now, actor="warga", action=TicketAction.DIBATALKAN,
                                status=TicketStatus.DIBATALKAN))
    tanggal_text = tanggal(ticket.visit.tanggal) if ticket.visit else "-"
    _tell_dinas(ctx, ticket, say("petugas.ticket_cancelled", kode=ticket.kode, nama=ticket.nama or "Warga",
                                 layanan=_ticket_layanan(ticket), tanggal=tanggal_text), "dibatalkan warga")
    return {"kode": ticket.kode}


def move_ticket(ctx: Context, d: kinds.MoveTicket) -> dict[str, Any]:
    s = ctx.session
    ticket = _own_open_ticket(ctx, d.kode)
    visit = s.get(Visit, d.visit_id)
    if ticket is None or visit is None:
        return {}
    old = ticket.visit
    ticket.visit_id, ticket.updated_at = visit.id, ctx.now
    dari = f"{tanggal(old.tanggal)} (Kec. {old.kecamatan.nama})" if old else "-"
    ke = f"{tanggal(visit.tanggal)} (Kec. {visit.kecamatan.nama})"
    s.add(TicketEvent(ticket_id=ticket.id, at=ctx.now, actor="warga", action=TicketAction.PINDAH_JADWAL, status=ticket.status,
                      note=f"{dari} → {ke}"))
    if old is not None:
        _drop_reminders_of(ctx, old)
    _tell_dinas(ctx, ticket, say("petugas.ticket_moved", kode=ticket.kode, nama=ticket.nama or "Warga",
                                 layanan=_ticket_layanan(ticket), dari=dari, ke=ke), f"pindah ke {tanggal(visit.tanggal)}")
    return {"kode": ticket.kode}


def _drop_reminders_of(ctx: Context, visit: Visit) -> None:
    """Reminders of the old visit still waiting for this resident go only if nothing else brings them
    there: no other open ticket for it, no subscription to its kecamatan (the new visit's come as usual)."""
    s, r = ctx.session, ctx.resident
    other = s.scalar(select(Ticket.id).where(Ticket.resident_id == r.id, Ticket.visit_id == visit.id,
                                             Ticket.status.not_in(CLOSED_TICKET)).limit(1))
    if other is not None or subscriptions.is_subscribed(s, r, visit.kecamatan_id):
        return
    s.execute(update(OutboxMessage)
              .where(OutboxMessage.resident_id == r.id, OutboxMessage.status == OutboxStatus.PENDING,
                     OutboxMessage.broadcast_id.in_(select(Broadcast.id).where(Broadcast.visit_id == visit.id)))
              .values(status=OutboxStatus.CANCELED, error_message="ticket moved to another visit"))


def create_proposal(ctx: Context, d: kinds.CreateProposal) -> dict[str, Any]:
    s, r = ctx.session, ctx.resident
    desa = desa_by_name(s, d.desa, d.desa_kecamatan)
    proposal = Proposal(resident_id=r.id, kategori=d.kategori, desa_id=desa.id, deskripsi=mask_niks(d.deskripsi),
                        media_url=d.media_url, lat=d.lat, lng=d.lng, volume=d.volume, satuan=d.satuan,
                        support_count=1, created_at=ctx.now, updated_at=ctx.now)
    kode = insert_with_code(s, PROPOSAL_PREFIX, proposal)
    s.add(ProposalSupport(proposal_id=proposal.id, resident_id=r.id, created_at=ctx.now))
    if r.desa_id is None:
        r.desa_id, r.kecamatan_id = desa.id, desa.kecamatan_id
    return {"kode": kode}


def support_proposal(ctx: Context, d: kinds.SupportProposal) -> dict[str, Any]:
    s = ctx.session
    proposal = s.scalars(select(Proposal).where(Proposal.kode == d.kode).with_for_update()).one()
    already = s.scalar(select(ProposalSupport.id).where(ProposalSupport.proposal_id == proposal.id,
                                                        ProposalSupport.resident_id == ctx.resident.id))
    if already is None:
        s.add(ProposalSupport(proposal_id=proposal.id, resident_id=ctx.resident.id, created_at=ctx.now))
        # Counted in SQL so two supporters at once both count.
        s.execute(update(Proposal).where(Proposal.id == proposal.id)
                  .values(support_count=Proposal.support_count + 1, updated_at=ctx.now))
        s.refresh(proposal)
    return {"kode": proposal.kode, "n": proposal.support_count}


def subscribe(ctx: Context, d: kinds.Subscribe) -> dict[str, Any]:
    r = ctx.resident
    kec = kecamatan_by_name(ctx.session, d.kecamatan)
    subscriptions.subscribe(ctx.session, r, kec.id, ctx.now)
    if r.kecamatan_id is None:
        r.kecamatan_id = kec.id
    return {}


def unsubscribe(ctx: Context, d: kinds.Unsubscribe) -> dict[str, Any]:
    """One kecamatan's reminders stop; the others (and tickets) stay."""
    kec = kecamatan_by_name(ctx.session, d.kecamatan)
    subscriptions.unsubscribe(ctx.session, ctx.resident, kec.id)
    ctx.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.resident_id == ctx.resident.id, OutboxMessage.status == OutboxStatus.PENDING,
               OutboxMessage.broadcast_id.in_(select(Broadcast.id).join(Visit, Visit.id == Broadcast.visit_id)
                                              .where(Visit.kecamatan_id == kec.id)))
        .values(status=OutboxStatus.CANCELED, error_message="unsubscribed from this kecamatan"))
    return {}


def opt_out(ctx: Context, d: kinds.OptOut) -> dict[str, Any]:
    ctx.resident.opted_out_at = ctx.now
    subscriptions.unsubscribe(ctx.session, ctx.resident)  # MULAI asks afresh, never resumes old ones silently
    # Nothing business-initiated that is still waiting may go out any more.
    ctx.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.resident_id == ctx.resident.id, OutboxMessage.status == OutboxStatus.PENDING,
               OutboxMessage.broadcast_id.is_not(None))
        .values(status=OutboxStatus.CANCELED, error_message="opted out")
    )
    return {}


def no_surveys(ctx: Context, d: kinds.NoSurveys) -> dict[str, Any]:
    ctx.resident.surveys_off_at = ctx.now
    return {}


def surveys_on(ctx: Context, d: kinds.SurveysOn) -> dict[str, Any]:
    ctx.resident.surveys_off_at = None
    return {}


def erase_data(ctx: Context, d: kinds.EraseData) -> dict[str, Any]:
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
    r.desa_id = r.referral_desa_id = None
    subscriptions.unsubscribe(s, r)
    r.subscribed_at, r.opted_out_at, r.erased_at = None, ctx.now, ctx.now
    s.execute(delete(Conversation).where(Conversation.resident_id == r.id, Conversation.id != ctx.conversation.id))
    return {}


def save_survey(ctx: Context, d: kinds.SaveSurvey) -> dict[str, Any]:
    s = ctx.session
    ticket = s.scalars(select(Ticket).where(Ticket.kode == d.ticket_kode, Ticket.resident_id == ctx.resident.id)).one()
    if s.scalar(select(SurveyResponse.id).where(SurveyResponse.ticket_id == ticket.id)) is None:
        s.add(SurveyResponse(ticket_id=ticket.id, opd_id=ticket.opd_id, visit_id=ticket.visit_id,
                             rating=d.rating, comment=d.comment, created_at=ctx.now))
    return {}


def handoff(ctx: Context, d: kinds.Handoff) -> dict[str, Any]:
    return start_handoff(ctx, asdict(d))


def leave_handoff(ctx: Context, d: kinds.LeaveHandoff) -> dict[str, Any]:
    """The chat goes back to the bot; the ticket stays open for the petugas, who is told."""
    s, conversation = ctx.session, ctx.conversation
    ticket = s.get(Ticket, conversation.handoff_ticket_id) if conversation.handoff_ticket_id else None
    conversation.handoff_ticket_id = None
    if ticket is None:
        return {}
    s.add(TicketEvent(ticket_id=ticket.id, at=ctx.now, actor="warga", action=TicketAction.KEMBALI_KE_BOT))
    if ticket.assigned_staff is not None:
        notify.to_staff(s, ticket.assigned_staff, "relay",
                        say("petugas.resident_left", kode=ticket.kode, nama=ctx.resident.name or "Warga"),
                        ticket_id=ticket.id, template_vars={"1": ticket.kode, "2": "kembali ke asisten otomatis"})
    return {}


def relay(ctx: Context, d: kinds.RelayToPetugas) -> dict[str, Any]:
    """Pass the message on; the resident is told so once per run of messages (not on every line)."""
    s = ctx.session
    ticket = s.get(Ticket, ctx.conversation.handoff_ticket_id) if ctx.conversation.handoff_ticket_id else None
    if ticket is None:
        return {}
    last = s.execute(select(TicketEvent.actor, TicketEvent.action).where(TicketEvent.ticket_id == ticket.id)
                     .order_by(TicketEvent.id.desc()).limit(1)).first()
    shown = as_written_to(d.text, ctx.as_written) if ctx.as_written and d.text else None
    replies = relay_to_petugas(s, ctx.runtime, ctx.resident, ctx.conversation, d, d.text, ctx.now,
                               reroute=lambda t: transfer.route_by_first_words(s, ctx.runtime, t, d.text, ctx.now),
                               shown=shown)
    if replies:
        return {"replies": replies}
    if replies is None or (last is not None and tuple(last) == ("warga", TicketAction.PESAN)):
        return {}
    return {"replies": [say("handoff.relayed", kode=ticket.kode)]}


def note_in_handoff(ctx: Context, d: kinds.NoteInHandoff) -> dict[str, Any]:
    ticket = ctx.session.get(Ticket, ctx.conversation.handoff_ticket_id) if ctx.conversation.handoff_ticket_id else None
    if ticket is not None:
        answered_by_bot(ctx.session, ctx.resident, ticket, d.text, d.topic, ctx.now, d.answer)
    return {}


def referral_arrival(ctx: Context, d: kinds.ReferralArrival) -> dict[str, Any]:
    r = ctx.resident
    desa = ctx.session.scalar(select(Desa).where(Desa.kode == d.desa_kode))
    if desa is None:
        return {}
    if r.referral_desa_id is None:
        r.referral_desa_id, r.referred_at = desa.id, ctx.now
    if r.desa_id is None:
        r.desa_id, r.kecamatan_id = desa.id, desa.kecamatan_id
    return {}


def note_home(ctx: Context, d: kinds.NoteHome) -> dict[str, Any]:
    r = ctx.resident
    if d.desa and r.desa_id is None:
        desa = desa_by_name(ctx.session, d.desa, d.kecamatan)
        r.desa_id, r.kecamatan_id = desa.id, desa.kecamatan_id
    elif d.desa is None and r.kecamatan_id is None:
        r.kecamatan_id = kecamatan_by_name(ctx.session, d.kecamatan).id
    return {}


# One handler per effect class. A class without one is refused at start-up (`check`).
EFFECTS: dict[type[Effect], Handler] = {
    kinds.CreateTicket: create_ticket,
    kinds.CancelTicket: cancel_ticket,
    kinds.MoveTicket: move_ticket,
    kinds.CreateProposal: create_proposal,
    kinds.SupportProposal: support_proposal,
    kinds.Subscribe: subscribe,
    kinds.OptOut: opt_out,
    kinds.NoSurveys: no_surveys,
    kinds.SurveysOn: surveys_on,
    kinds.Unsubscribe: unsubscribe,
    kinds.EraseData: erase_data,
    kinds.SaveSurvey: save_survey,
    kinds.Handoff: handoff,
    kinds.LeaveHandoff: leave_handoff,
    kinds.QueueCheckIn: check_in_effect,
    kinds.RelayToPetugas: relay,
    kinds.NoteInHandoff: note_in_handoff,
    kinds.ReferralArrival: referral_arrival,
    kinds.NoteHome: note_home,
}


class UnknownEffect(LookupError):
    pass


def check(registry) -> None:
    """Start-up: every effect kind a flow declares, and every kind defined, has its handler."""
    declared = {kind for flow in registry.flows.values() for kind in flow.effects}
    missing = sorted(k.__name__ for k in declared | set(kinds.all_kinds()) if k not in EFFECTS)
    if missing:
        raise UnknownEffect(f"effects without a handler: {', '.join(missing)}")


def apply(ctx: Context, eff: Effect) -> dict[str, Any]:
    handler = EFFECTS.get(type(eff))
    if handler is None:
        raise UnknownEffect(eff.name)
    return handler(ctx, eff)
