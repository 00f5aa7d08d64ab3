"""What a registered staff member's message does. Staff are recognised by their number only; a
resident typing the same text never reaches this module.

Petugas (and the Diskominfo helpdesk, a petugas of its own OPD) act on tickets with the commands
of `COMMANDS`, a table: a new command is one entry (a pattern and a function). A kepala desa or an
admin has no ticket commands: they get their own help, and anything else is answered by the bot
as for a resident (`None` tells the caller so), so they can ask the schedule like anyone else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from flows.engine import Bullets, Say, say
from handlers import antrean, notify, transfer
from handlers.codes import TICKET_PREFIX
from handlers.entry import enter_flow
from handlers.facts import CLOSED_TICKET
from handlers.handoff import may_handle, staff_backlog, take_chat
from storage.models import Conversation, Staff, StaffRole, Ticket, TicketEvent, TicketStatus

# A ticket code as staff type it: "#KM-6905", "#KM 6905", "KM-6905", "km6905", "# km 6905".
CODE = rf"#?\s*(?P<prefix>{TICKET_PREFIX})\s*[-.]?\s*(?P<digits>\d{{4,8}})\b"
# A kepala desa's or admin's MENU is the resident menu (they use the bot like residents do).
ROLE_HELP_WORDS = ("bantuan", "help", "?", "perintah")
# Status words as typed: "menunggu dokumen", "menunggu_dokumen", "Menunggu-Dokumen".
SETTABLE = [s for s in TicketStatus if s is not TicketStatus.BARU]
STATUSES = {s.value for s in SETTABLE}
_STATUS_WORDS = {s: re.compile(r"^" + r"[\s_\-]*".join(s.value.split("_")) + r"\b\s*(?P<note>.*)$",
                               re.IGNORECASE | re.DOTALL) for s in SETTABLE}


@dataclass(frozen=True)
class Ctx:
    s: Session
    runtime: object | None
    staff: Staff
    now: datetime


# — for the web console's ticket desk: the same actions, the same messages to the resident —

def reply(s: Session, staff: Staff, ticket: Ticket, text: str, now: datetime) -> list[Say]:
    return _reply(Ctx(s, None, staff, now), ticket, text)


def change_status(s: Session, staff: Staff, ticket: Ticket, status: str, note: str | None,
                  now: datetime) -> list[Say]:
    """Set a status by its value ("menunggu_dokumen"); selesai closes the ticket."""
    return _set_status(Ctx(s, None, staff, now), ticket, f"{status} {note or ''}".strip())


@dataclass(frozen=True)
class Command:
    pattern: re.Pattern[str]
    run: Callable[[Ctx, re.Match[str]], list[Say]]


def kode_of(m: re.Match[str]) -> str:
    return f"{m.group('prefix').upper()}-{m.group('digits')}"


def handle_staff_message(s: Session, runtime, staff: Staff, text: str, now: datetime) -> list[Say] | None:
    """The replies to a staff member, or None when the bot should answer them as a resident."""
    text = text.strip()
    if staff.role != StaffRole.PETUGAS:
        return [_role_help(staff)] if _is_help(text) else None
    ctx = Ctx(s, runtime, staff, now)
    for command in COMMANDS:
        m = command.pattern.match(text)
        if m:
            return command.run(ctx, m)
    return [say("petugas.unknown_command")]


def _is_help(text: str) -> bool:
    return re.sub(r"[^\w?]+", " ", text.casefold()).strip() in ROLE_HELP_WORDS


def _role_help(staff: Staff) -> Say:
    if staff.role == StaffRole.KADES and staff.desa is not None:
        jenis = "Kelurahan" if staff.desa.jenis == "kelurahan" else "Desa"
        return say("staff.help_kades", name=staff.name, wilayah=f"{jenis} {staff.desa.nama}",
                   kecamatan=staff.desa.kecamatan.nama)
    if staff.role == StaffRole.CAMAT and staff.kecamatan is not None:
        return say("staff.help_camat", name=staff.name, kecamatan=staff.kecamatan.nama)
    return say("staff.help_admin", name=staff.name)


# — the commands —————————————————————————————————————————————————————————————————————

def _help(ctx: Ctx, m: re.Match[str]) -> list[Say]:
    return [say("petugas.help"), say("antrean.petugas.help")]


def _call_next(ctx: Ctx, m: re.Match[str]) -> list[Say]:
    return antrean.call_next(ctx.s, ctx.runtime, ctx.staff, ctx.now)


def _at_the_stand(ctx: Ctx, m: re.Match[str]) -> list[Say]:
    """#KODE hadir (check the resident in) | #KODE lewati (a no-show)."""
    ticket, refusal = _ticket(ctx, kode_of(m))
    if refusal:
        return [refusal]
    if m.group("word").casefold() == "hadir":
        return antrean.check_in_by_petugas(ctx.s, ctx.runtime, ctx.staff, ticket, ctx.now)
    return antrean.skip_by_petugas(ctx.s, ctx.staff, ticket, ctx.now)


def _backlog(ctx: Ctx, m: re.Match[str]) -> list[Say]:
    tickets, more = staff_backlog(ctx.s, ctx.staff)
    if not tickets:
        return [say("petugas.no_tickets")]
    lines = [say("petugas.ticket_line", kode=t.kode, layanan=t.layanan.nama_pendek if t.layanan else say("petugas.chat"),
                 nama=t.nama or "Warga", status=say(f"status.ticket.{t.status}"), who=_holder(ctx.staff, t))
             for t in tickets]
    return [say("petugas.backlog", opd=ctx.staff.opd.singkatan if ctx.staff.opd else "-", items=Bullets(lines),
                more=say("petugas.backlog_more", n=more) if more else "")]


def _holder(me: Staff, ticket: Ticket) -> Say:
    if ticket.assigned_staff_id is None:
        return say("petugas.unassigned")
    if ticket.assigned_staff_id == me.id:
        return say("petugas.yours")
    return say("petugas.held_by", name=ticket.assigned_staff.name)


def _claim(ctx: Ctx, m: re.Match[str]) -> list[Say]:
    ticket, refusal = _ticket(ctx, kode_of(m))
    if refusal:
        return [refusal]
    ticket.assigned_staff_id = ctx.staff.id
    _event(ctx, ticket, "diambil")
    return [say("petugas.claimed", kode=ticket.kode)]


def _on_ticket(ctx: Ctx, m: re.Match[str]) -> list[Say]:
    """#KODE selesai [catatan] | #KODE status <status> [catatan] | #KODE <message to the resident>."""
    ticket, refusal = _ticket(ctx, kode_of(m))
    if refusal:
        return [refusal]
    rest = m.group("rest").strip()
    word, _, tail = rest.partition(" ")
    if word.casefold() == "selesai":
        return _close(ctx, ticket, tail.strip() or None)
    if word.casefold() == "status":
        return _set_status(ctx, ticket, tail.strip())
    return _reply(ctx, ticket, rest)


def _transfer(ctx: Ctx, m: re.Match[str]) -> list[Say]:
    """#KODE alihkan <dinas>: pass the ticket to another dinas, named as people name it."""
    kode = kode_of(m)
    ticket = ctx.s.scalar(select(Ticket).where(Ticket.kode == kode).with_for_update())
    if ticket is None:
        return [say("petugas.not_found", kode=kode)]
    if not transfer.may_transfer(ctx.staff, ticket):
        return [say("petugas.transfer_not_yours", kode=kode, opd=ticket.opd.singkatan)]
    name = m.group("dinas").strip()
    if not name:
        return [say("petugas.transfer_usage", kode=kode)]
    found = transfer.find_dinas(ctx.s, ctx.runtime, name)
    if len(found) == 1:
        return [transfer.transfer_by(ctx.s, ctx.staff, ticket, found[0], ctx.now)]
    if found:
        return [say("petugas.transfer_which", name=name, kode=kode, example=found[0].key,
                    options=", ".join(f"{o.key} ({o.singkatan})" for o in found))]
    return [say("petugas.transfer_unknown", name=name, kode=kode,
                options=", ".join(f"{o.key} ({o.singkatan})" for o in transfer.all_dinas(ctx.s)))]


COMMANDS: list[Command] = [
    Command(re.compile(r"^(bantuan|help|menu|perintah|\?)$", re.IGNORECASE), _help),
    Command(re.compile(r"^tiket(\s+(saya|dinas))?$", re.IGNORECASE), _backlog),
    Command(re.compile(rf"^ambil\s+{CODE}\s*$", re.IGNORECASE), _claim),
    Command(re.compile("^(" + "|".join(sorted(antrean.CALL_WORDS)) + ")$", re.IGNORECASE), _call_next),
    Command(re.compile(rf"^{CODE}[\s:,.]*(?P<word>hadir|lewati)\s*$", re.IGNORECASE), _at_the_stand),
    # Only "alihkan": a word a petugas would not begin a message to the resident with.
    Command(re.compile(rf"^{CODE}[\s:,.]*alihkan\b(?:\s+ke\b)?[\s:,.]*(?P<dinas>.*)$", re.IGNORECASE | re.DOTALL),
            _transfer),
    Command(re.compile(rf"^{CODE}[\s:,.]*(?P<rest>.*)$", re.IGNORECASE | re.DOTALL), _on_ticket),
]


# — what they do ————————————————————————————————————————————————————————————————————

def _ticket(ctx: Ctx, kode: str) -> tuple[Ticket | None, Say | None]:
    ticket = ctx.s.scalar(select(Ticket).where(Ticket.kode == kode).with_for_update())
    if ticket is None:
        return None, say("petugas.not_found", kode=kode)
    if not may_handle(ctx.s, ctx.staff, ticket):
        return None, say("petugas.not_your_opd", kode=kode)
    return ticket, None


def _event(ctx: Ctx, ticket: Ticket, action: str, status: str | None = None, note: str | None = None) -> None:
    ctx.s.add(TicketEvent(ticket_id=ticket.id, at=ctx.now, actor="petugas", staff_id=ctx.staff.id, action=action,
                          status=status, note=note))
    ticket.updated_at = ctx.now


def _reply(ctx: Ctx, ticket: Ticket, text: str) -> list[Say]:
    if not text:
        return [say("petugas.empty_message", kode=ticket.kode)]
    if ticket.resident is None or not ticket.resident.phone:
        return [say("petugas.resident_gone", kode=ticket.kode)]
    if ticket.status in CLOSED_TICKET:
        return [say("petugas.already_closed", kode=ticket.kode)]
    if ticket.assigned_staff_id is None:
        ticket.assigned_staff_id = ctx.staff.id
    ticket.responded_at = ctx.now
    _event(ctx, ticket, "balas", note=text[:1000])
    notify.to_resident(ctx.s, ticket.resident, "relay",
                       say("handoff.from_petugas", name=ctx.staff.name, opd=_opd_of(ctx.staff, ticket), text=text),
                       ticket_id=ticket.id, template_vars={"1": ctx.staff.name, "2": text[:200]})
    # The resident's answer must reach whoever wrote, even when the ticket began with nobody to
    # hold the chat (no petugas yet, or the chat was handed back).
    take_chat(ctx.s, ticket, ctx.now)
    return [say("petugas.sent", kode=ticket.kode)]


def _conversation_of(s: Session, ticket: Ticket) -> Conversation | None:
    return s.scalar(select(Conversation).where(Conversation.handoff_ticket_id == ticket.id).with_for_update())


def _close(ctx: Ctx, ticket: Ticket, note: str | None) -> list[Say]:
    if ticket.status in CLOSED_TICKET:
        return [say("petugas.already_closed", kode=ticket.kode)]
    antrean.served_with_ticket(ctx.s, ticket, ctx.now)  # their place at the stand is done too
    ticket.status, ticket.closed_at = TicketStatus.SELESAI, ctx.now
    _event(ctx, ticket, "selesai", TicketStatus.SELESAI, note)
    resident = ticket.resident
    conversation = _conversation_of(ctx.s, ticket)
    if conversation is not None:
        conversation.handoff_ticket_id = None
    if resident is not None and resident.phone:
        notify.to_resident(ctx.s, resident, "ticket_update", closing_text(ticket, ctx.staff, note),
                           ticket_id=ticket.id, template_vars={"1": ticket.kode, "2": TicketStatus.SELESAI.value})
        start_survey(ctx.s, resident, ticket, ctx.now)
    return [say("petugas.closed", kode=ticket.kode)]


def closing_text(ticket: Ticket, staff: Staff, note: str | None) -> Say:
    """A service ticket says what was done; a chat that was only a conversation says it ended."""
    note_line = say("ticket.note_line", note=note) if note else ""
    if ticket.layanan is not None:
        return say("handoff.closed_service", kode=ticket.kode, layanan=ticket.layanan.nama_pendek,
                   opd=_opd_of(staff, ticket), name=staff.name, note=note_line)
    return say("handoff.closed", kode=ticket.kode, note=note_line)


def _opd_of(staff: Staff, ticket: Ticket) -> str:
    """The agency the resident is talking to: the staff member's own (the helpdesk answers as
    Diskominfo for a dinas without petugas), else the ticket's."""
    return staff.opd.singkatan if staff.opd is not None else ticket.opd.singkatan


def start_survey(s: Session, resident, ticket: Ticket, now: datetime) -> None:
    """Ask the 1–5 rating: the engine enters the survey flow (its first question and state)."""
    for question in enter_flow(s, resident, "survei", {"ticket_kode": ticket.kode}, now):
        notify.to_resident(s, resident, "survey", question, ticket_id=ticket.id, template_vars={"1": ticket.kode})


def parse_status(text: str) -> tuple[TicketStatus | None, str | None]:
    """"menunggu dokumen bawa KK asli" → (MENUNGGU_DOKUMEN, "bawa KK asli")."""
    for status, pattern in _STATUS_WORDS.items():
        m = pattern.match(text)
        if m:
            return status, m.group("note").strip() or None
    return None, None


def _set_status(ctx: Ctx, ticket: Ticket, tail: str) -> list[Say]:
    new, note = parse_status(tail)
    if new is None:
        return [say("petugas.bad_status")]
    if new == TicketStatus.SELESAI:
        return _close(ctx, ticket, note)
    ticket.status = new
    if new == TicketStatus.DITOLAK:
        ticket.closed_at = ctx.now
    _event(ctx, ticket, "status", new, note)
    if ticket.resident is not None and ticket.resident.phone:
        notify.to_resident(ctx.s, ticket.resident, "ticket_update", say(
            "ticket.status_changed", kode=ticket.kode,
            layanan=ticket.layanan.nama_pendek if ticket.layanan else ticket.opd.singkatan,
            status_text=say(f"status.ticket.{new}"), note=say("ticket.note_line", note=note) if note else ""),
            ticket_id=ticket.id, template_vars={"1": ticket.kode, "2": new.value})
    return [say("petugas.status_set", kode=ticket.kode, status=say(f"status.ticket.{new}"))]
