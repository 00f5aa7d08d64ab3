"""A resident handed to a petugas: who gets the chat, what they are told, and the relay both ways."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Callable, Mapping

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from catalogue import render, render_say
from flows.dispatch import STOP_WORDS, normalise_command
from flows.dates import jam, tanggal
from flows.engine import Say, say
from flows.working_hours import WorkingCalendar
from flows.routing import HELPDESK
from flows.phones import mask_niks
from handlers import notify
from handlers.codes import TICKET_PREFIX, insert_with_code
from handlers.facts import CLOSED_TICKET, next_petugas
from storage.models import (
    Conversation, InboundMessage, Layanan, Opd, OutboxMessage, OutboxStatus, Resident, Staff, StaffRole, Ticket, TicketAction, TicketEvent,
)

HELPDESK_OPD = HELPDESK  # flows/routing.py: the dinas of a chat with no topic
BACKLOG_SHOWN = 15
# Where a conversation rests between questions (none, or the main menu).
IDLE_FLOWS = (None, "menu")


def _helpdesk(s: Session) -> Opd:
    return s.scalars(select(Opd).where(Opd.key == HELPDESK_OPD)).one()


def _without_petugas(opd_id):
    """True where the OPD has no active petugas: its chats go to the helpdesk, who may act on them."""
    return ~select(Staff.id).where(Staff.opd_id == opd_id, Staff.role == StaffRole.PETUGAS,
                                   Staff.active.is_(True)).exists()


def is_helpdesk(staff: Staff) -> bool:
    return staff.opd is not None and staff.opd.key == HELPDESK_OPD


def may_handle(s: Session, staff: Staff, ticket: Ticket) -> bool:
    """A petugas acts on their OPD's tickets and on what was handed to them; the helpdesk also on
    the tickets of an OPD that has no petugas."""
    if ticket.opd_id == staff.opd_id or ticket.assigned_staff_id == staff.id:
        return True
    return is_helpdesk(staff) and bool(s.scalar(select(_without_petugas(ticket.opd_id))))


def staff_backlog(s: Session, staff: Staff, offset: int = 0, limit: int = BACKLOG_SHOWN) -> tuple[list[Ticket], int]:
    """The open tickets a petugas may act on, unassigned first, oldest first (from `offset`); and
    how many more come after them."""
    mine = [Ticket.opd_id == staff.opd_id, Ticket.assigned_staff_id == staff.id]
    if is_helpdesk(staff):
        mine.append(_without_petugas(Ticket.opd_id))
    where = (or_(*mine), Ticket.status.not_in(CLOSED_TICKET))
    tickets = s.scalars(select(Ticket).where(*where)
                        .order_by(Ticket.assigned_staff_id.is_not(None), Ticket.created_at, Ticket.id)
                        .offset(offset).limit(limit)).all()
    total = s.scalar(select(func.count()).select_from(Ticket).where(*where)) or 0
    return list(tickets), max(0, total - offset - len(tickets))


def holder_for(s: Session, ticket: Ticket, now: datetime) -> tuple[Staff | None, bool]:
    """Who holds the ticket's chat: its active petugas, else the next of its OPD, else the
    helpdesk's (round-robin). Second value: True when it was just given to them."""
    staff = ticket.assigned_staff
    if staff is not None and staff.active:
        return staff, False
    staff = next_petugas(s, ticket.opd_id)
    if staff is None and ticket.opd.key != HELPDESK_OPD:
        staff = next_petugas(s, _helpdesk(s).id)
    if staff is not None:
        ticket.assigned_staff_id = staff.id
        staff.last_assigned_at = now
    return staff, staff is not None


def take_chat(s: Session, ticket: Ticket, now: datetime) -> None:
    """A petugas wrote to the resident: their next message goes to the petugas, unless another
    ticket already holds the chat or the resident is in the middle of something with the bot
    (registering, a proposal): that answer is theirs, and the petugas' message still reached them."""
    if ticket.resident is None:
        return
    conversation = s.scalar(select(Conversation).where(Conversation.resident_id == ticket.resident_id)
                            .order_by(Conversation.updated_at.desc()).limit(1).with_for_update())
    if conversation is not None and conversation.handoff_ticket_id is None and conversation.flow in IDLE_FLOWS:
        conversation.handoff_ticket_id = ticket.id


def release_staff(s: Session, staff: Staff, now: datetime) -> int:
    """A staff member removed: their open tickets go back to their OPD's queue (unassigned, in
    every petugas' `tiket` list); a chat they held is given to the next petugas on the resident's
    next message. Returns how many tickets were released."""
    tickets = s.scalars(select(Ticket).where(Ticket.assigned_staff_id == staff.id,
                                             Ticket.status.not_in(CLOSED_TICKET)).with_for_update()).all()
    for ticket in tickets:
        ticket.assigned_staff_id, ticket.updated_at = None, now
        s.add(TicketEvent(ticket_id=ticket.id, at=now, actor="system", action=TicketAction.PETUGAS_DINONAKTIFKAN,
                          staff_id=staff.id))
    staff.active = False
    # What was waiting for them goes nowhere (the sender would drop it too; this keeps the
    # broadcast counts true at once).
    s.execute(update(OutboxMessage).where(OutboxMessage.staff_id == staff.id, OutboxMessage.status == OutboxStatus.PENDING)
              .values(status=OutboxStatus.CANCELED, error_message="staff removed", updated_at=now))
    return len(tickets)


def _context_ticket(s: Session, resident: Resident, kode: str | None, opd: Opd | None = None) -> Ticket | None:
    """The resident's open ticket the chat is about: the one named by code, else their latest of the
    dinas in context (a service or dinas named), else their latest; None when the dinas in context has
    none (a chat about bansos is not held on a KK registration)."""
    stmt = select(Ticket).where(Ticket.resident_id == resident.id, Ticket.status.not_in(CLOSED_TICKET))
    if kode:
        return s.scalar(stmt.where(Ticket.kode == kode.upper()))
    if opd is not None:
        stmt = stmt.where(Ticket.opd_id == opd.id)
    return s.scalar(stmt.order_by(Ticket.id.desc()).limit(1))


def _opd_in_context(s: Session, d: Mapping[str, Any]) -> Opd | None:
    """The dinas of the service or dinas the resident named (or was talking about), if any."""
    if d.get("layanan"):
        lay = s.scalar(select(Layanan).where(Layanan.key == d["layanan"]))
        if lay:
            return lay.opd
    if d.get("opd"):
        return s.scalar(select(Opd).where(Opd.key == d["opd"]))
    return None


def _opd_for(s: Session, d: Mapping[str, Any]) -> Opd:
    if d.get("layanan"):
        lay = s.scalar(select(Layanan).where(Layanan.key == d["layanan"]))
        if lay:
            return lay.opd
    key = d.get("opd") or HELPDESK_OPD
    return s.scalar(select(Opd).where(Opd.key == key)) or s.scalars(select(Opd).where(Opd.key == HELPDESK_OPD)).one()


def _last_messages(s: Session, resident: Resident, n: int = 3) -> list[str]:
    rows = s.scalars(select(InboundMessage.body).where(InboundMessage.from_phone == resident.phone,
                                                       InboundMessage.body != "")
                     .order_by(InboundMessage.id.desc()).limit(n)).all()
    return [f'"{mask_niks(b[:200])}"' for b in reversed(rows)]


def start_handoff(ctx, d: Mapping[str, Any]) -> dict[str, Any]:
    """Hand the chat to a petugas of the OPD in context (the ticket's or the service's), else the
    general helpdesk; round-robin among that OPD's petugas."""
    s, r, now = ctx.session, ctx.resident, ctx.now
    in_context = _opd_in_context(s, d)
    ticket = _context_ticket(s, r, d.get("kode"), in_context)
    if ticket is None:
        opd = in_context or _opd_for(s, d)
        ticket = Ticket(resident_id=r.id, opd_id=opd.id, desa_id=r.desa_id, nama=r.name, created_at=now,
                        updated_at=now, catatan="Minta bicara dengan petugas")
        insert_with_code(s, TICKET_PREFIX, ticket)
    staff, _ = holder_for(s, ticket, now)
    s.add(TicketEvent(ticket_id=ticket.id, at=now, actor="warga", action=TicketAction.MINTA_PETUGAS,
                      note=d.get("reason")))
    ticket.handoff_requested_at = now
    if staff is None:
        # Nobody to hold the chat: the ticket waits for working hours and the bot keeps serving.
        return {"replies": [say("handoff.no_petugas", opd=ticket.opd.singkatan, kode=ticket.kode)]}
    ctx.conversation.handoff_ticket_id = ticket.id
    ticket.handoff_requested_at, ticket.handoff_timeout_at, ticket.escalated_at = now, None, None
    staff.last_assigned_at = now
    notice(s, staff, ticket, r)
    key = "handoff.connecting_after_confusion" if d.get("reason") == "tidak_paham" else "handoff.connecting"
    later = after_hours(ctx.runtime, now)
    return {"replies": [say(key, opd=ticket.opd.singkatan, kode=ticket.kode), *([later] if later else [])]}


def after_hours(runtime, now: datetime) -> Say | None:
    """Outside working hours (evenings, weekends, public holidays): when a person will read it."""
    timezone = getattr(getattr(runtime, "settings", None), "bot_timezone", "Asia/Jakarta")
    opens = WorkingCalendar(timezone).add(now, timedelta(0))
    if opens - now < timedelta(minutes=1):
        return None
    return say("handoff.after_hours", hari=tanggal(opens.date()), jam=jam(opens.time()))


def answered_by_bot(s: Session, resident: Resident, ticket: Ticket, text: str, topic: str, now: datetime,
                    answer: tuple[Say, ...] = ()) -> None:
    """The bot answered a question mid-chat: the ticket's history keeps the question and the answer,
    and its petugas sees both (the chat is still theirs: they may add to it)."""
    said = _answer_text(answer) or "-"
    s.add(TicketEvent(ticket_id=ticket.id, at=now, actor="warga", action=TicketAction.PESAN, note=mask_niks(text[:500])))
    s.add(TicketEvent(ticket_id=ticket.id, at=now, actor="bot", action=TicketAction.DIJAWAB_BOT,
                      note=f"{topic}: {said}"[:500]))
    staff = ticket.assigned_staff
    if staff is not None and staff.active:
        notify.to_staff(s, staff, "relay", say("petugas.bot_answered", kode=ticket.kode, nama=resident.name or "Warga",
                                               text=mask_niks(text[:300]), topic=say(f"flow.{topic}"), answer=said),
                        ticket_id=ticket.id, template_vars={"1": ticket.kode, "2": mask_niks(text[:200])})


ANSWER_SHOWN = 450  # characters of the bot's answer a petugas reads on the phone (the console has it all)


def _answer_text(answer: tuple[Say, ...]) -> str:
    """The bot's answer as the resident read it, without the line telling the resident the chat goes on."""
    tail = (render("info.more_in_handoff"), render("info.more"))
    text = "\n".join(render_say(a) for a in answer)
    for line in tail:
        text = text.replace("\n" + line, "").replace(line, "")
    text = mask_niks(text.strip())
    return text if len(text) <= ANSWER_SHOWN else text[:ANSWER_SHOWN].rsplit(" ", 1)[0] + " …"


def notice(s: Session, staff: Staff, ticket: Ticket, r: Resident, key: str = "petugas.handoff_notice",
           **extra: Any) -> None:
    """Tell a petugas a chat is theirs, with the resident's last messages (NIKs masked)."""
    desa = f"{r.desa.nama}, {r.desa.kecamatan.nama}" if r.desa else "desa belum diketahui"
    last = "\n".join(_last_messages(s, r)) or "-"
    notify.to_staff(s, staff, "handoff_notice",
                    say(key, kode=ticket.kode, nama=r.name or "Warga", desa=desa, last=last, **extra),
                    ticket_id=ticket.id, template_vars={"1": ticket.kode, "2": r.name or "Warga"})


def relay_to_petugas(s: Session, runtime, resident: Resident, conversation: Conversation, msg, text: str,
                     now: datetime, reroute: Callable[[Ticket], Say | None] | None = None) -> list[Say] | None:
    """While a petugas holds the chat, the resident's messages go to them. None: let the bot answer
    (BERHENTI still works, and a chat whose ticket is gone is handed back). `reroute` may first pass
    the chat to another dinas (handlers/transfer.py); its note to the resident is then the answer."""
    if normalise_command(text) in STOP_WORDS:
        return None
    ticket = s.get(Ticket, conversation.handoff_ticket_id)
    if ticket is None or ticket.status in CLOSED_TICKET:
        conversation.handoff_ticket_id = None
        return None
    routed = reroute(ticket) if reroute is not None else None  # read the chat before this message joins it
    s.add(TicketEvent(ticket_id=ticket.id, at=now, actor="warga", action=TicketAction.PESAN, note=text[:500] or "[lampiran]"))
    if routed is not None:  # the new holder's notice carries this message too
        return [routed]
    staff, given = holder_for(s, ticket, now)
    if staff is None:
        # Nobody left to hold it (the petugas was removed, none other): the message stays with
        # the ticket for working hours, and the bot serves the resident again.
        conversation.handoff_ticket_id = None
        return [say("handoff.no_petugas", opd=ticket.opd.singkatan, kode=ticket.kode)]
    if given:  # the chat came back to the OPD's queue: the new holder gets the whole context
        notice(s, staff, ticket, resident)
        return []
    body = mask_niks(text) or ("[foto/lampiran] " + (msg.media_url or "") if msg.media_url else "[lokasi]")
    notify.to_staff(s, staff, "relay", say("petugas.relay", kode=ticket.kode, nama=resident.name or "Warga", text=body),
                    ticket_id=ticket.id, template_vars={"1": ticket.kode, "2": body[:200]})
    return []
