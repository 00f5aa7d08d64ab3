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
from zoneinfo import ZoneInfo
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from flows.dates import tanggal
from flows.engine import Bullets, Say, say
from handlers import notify, transfer
from handlers.antrean import stand
from flows import codes
from flows.commands import (
    BACKLOG_WORD, CALL_WORDS, CHECK_IN_WORD, CLAIM_WORD, END_CHAT_WORDS, PETUGAS_MENU_WORD, SKIP_WORD, STAFF_HELP_WORDS,
    TRANSFER_WORD,
)
from handlers.codes import TICKET_PREFIX
from handlers.entry import enter_flow
from handlers.facts import CLOSED_TICKET
from handlers.handoff.assignment import take_chat
from handlers.handoff.backlog import staff_backlog
from handlers.handoff.permissions import may_handle
from storage.models import Conversation, InboundMessage, Staff, StaffRole, Ticket, TicketAction, TicketEvent, TicketStatus

# A ticket code as staff type it: "#KM-6905", "#KM 6905", "KM-6905", "km6905", "# km 6905".
CODE = rf"#?\s*{codes.typed((TICKET_PREFIX,))}"
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
    return codes.code(m.group('prefix'), m.group('digits'))


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
    return _without_code(ctx, text)


# — a petugas closing in their own words, without a code ("udah ya bu, saya tutup", "sampun nggih") ——————————
# On the only chat they hold, the bot asks "Tutup obrolan KM-…? 1. Ya 2. Tidak"; the answer ("1", "ya", "nggih")
# is read against their previous message, so nothing new is stored. Several chats: the codes to choose from.
_YES = frozenset({"1", "ya", "iya", "y", "yes", "nggih", "inggih", "enggih", "ok", "oke", "yo", "iyo", "betul", "benar",
                  "tutup", "ya tutup", "iya tutup", "nggih tutup", "ya, tutup"})
_NO = frozenset({"2", "tidak", "tdk", "gak", "ga", "nggak", "ora", "mboten", "boten", "jangan", "belum", "no", "batal"})


def _without_code(ctx: Ctx, text: str) -> list[Say]:
    chats = held_chats(ctx.s, ctx.staff)
    if closing_like(text):
        if len(chats) == 1:
            t = chats[0]
            what = t.layanan.nama_pendek if t.layanan is not None else say("petugas.chat")
            return [say("petugas.close_only_chat", kode=t.kode, nama=t.nama or "warga", layanan=what)]
        if chats:
            return [say("petugas.close_which_chat", kodes=", ".join(f"#{t.kode} tutup" for t in chats[:5]))]
        return [say("petugas.close_no_chat")]
    answer = re.sub(r"[^\w\s,]+", " ", text.casefold()).strip(" ,")
    if (answer in _YES or answer in _NO) and len(chats) == 1 and closing_like(_previous_message(ctx) or ""):
        if answer in _NO:
            return [say("petugas.close_kept", kode=chats[0].kode)]
        return _end(ctx, chats[0], "", keep_open=False)
    return [say("petugas.unknown_command")]


def held_chats(s: Session, staff: Staff) -> list[Ticket]:
    """The open chats this petugas holds: a resident's conversation handed to a ticket assigned to them."""
    return list(s.scalars(select(Ticket).join(Conversation, Conversation.handoff_ticket_id == Ticket.id)
                          .where(Ticket.assigned_staff_id == staff.id, Ticket.status.not_in(CLOSED_TICKET))
                          .order_by(Ticket.id)))


def _previous_message(ctx: Ctx) -> str | None:
    """What this petugas wrote before the message being answered (stored first, so the second newest)."""
    rows = ctx.s.scalars(select(InboundMessage.body).where(InboundMessage.from_phone == ctx.staff.phone)
                         .order_by(InboundMessage.id.desc()).limit(2)).all()
    return rows[1] if len(rows) == 2 else None


def _is_help(text: str) -> bool:
    return re.sub(r"[^\w?]+", " ", text.casefold()).strip() in STAFF_HELP_WORDS  # a kepala desa's or admin's MENU is the resident menu


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
    return stand.call_next(ctx.s, ctx.runtime, ctx.staff, ctx.now)


def _at_the_stand(ctx: Ctx, m: re.Match[str]) -> list[Say]:
    """#KODE hadir (check the resident in) | #KODE lewati (a no-show)."""
    ticket, refusal = _ticket(ctx, kode_of(m))
    if refusal:
        return [refusal]
    if m.group("word").casefold() == CHECK_IN_WORD:
        return stand.check_in_by_petugas(ctx.s, ctx.runtime, ctx.staff, ticket, ctx.now)
    return stand.skip_by_petugas(ctx.s, ctx.staff, ticket, ctx.now)


# `tiket` fits one phone screen: a page of short lines, "tiket 2" for the next.
BACKLOG_PAGE = 5


def _backlog(ctx: Ctx, m: re.Match[str]) -> list[Say]:
    page = max(1, int(m.group("page") or 1))
    first = (page - 1) * BACKLOG_PAGE
    tickets, more = staff_backlog(ctx.s, ctx.staff, offset=first, limit=BACKLOG_PAGE)
    if not tickets:
        return [say("petugas.no_tickets") if page == 1 else say("petugas.backlog_no_page", page=page)]
    lines = [say("petugas.ticket_line", kode=t.kode, layanan=t.layanan.nama_pendek if t.layanan else say("petugas.chat"),
                 nama=(t.nama or "Warga")[:20], status=say(f"status.ticket.{t.status}"), who=_holder(ctx.staff, t))
             for t in tickets]
    total = first + len(tickets) + more
    return [say("petugas.backlog", opd=ctx.staff.opd.singkatan if ctx.staff.opd else "-", items=Bullets(lines),
                first=first + 1, last=first + len(tickets), total=total,
                more=say("petugas.backlog_more", next=page + 1) if more else "")]


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
    _event(ctx, ticket, TicketAction.DIAMBIL)
    return [say("petugas.claimed", kode=ticket.kode)]


def _on_ticket(ctx: Ctx, m: re.Match[str]) -> list[Say]:
    """#KODE selesai [catatan] | #KODE status <status> [catatan] | #KODE <message to the resident>."""
    ticket, refusal = _ticket(ctx, kode_of(m))
    if refusal:
        return [refusal]
    rest = m.group("rest").strip()
    word, _, tail = rest.partition(" ")
    word = word.rstrip(",.;:!")  # "km4821 selesai, orangnya sudah datang": the command with a remark after it
    if word.casefold() == "selesai":
        return _finish(ctx, ticket, tail.strip())
    if word.casefold() == "status":
        new, note = parse_status(tail.strip())
        if new == TicketStatus.SELESAI:
            return _finish(ctx, ticket, note or "")
        return _set_status(ctx, ticket, tail.strip())
    if _REPLY_WORD.match(rest) is None and closing_like(rest):
        # "#KM-1754 sudah beres, saya tutup ya": meant for the bot, not the resident — never relayed.
        what = ticket.layanan.nama_pendek if ticket.layanan is not None else say("petugas.chat")
        return [say("petugas.closing_like", kode=ticket.kode, layanan=what, teks=rest[:80])]
    return _reply(ctx, ticket, message_of(rest))


# A petugas' words that close rather than tell ("saya tutup ya", "sudah beres, saya tutup", "ditutup
# nggih", "oke selesai"): asked which command they meant, never sent to the resident as a message.
_CLOSING = re.compile(
    r"\b(?:saya|sy|aku|tak|kula|kulo|kami|dak)\s+(?:tutup\w*|akhiri|sudahi|close|selesaikan|tutupe)\b"
    r"|(?:^\W*|\b(?:sudah|udah|wis|wes|sampun|beres|rampung|selesai|oke|ok|sip|nggih)\W+)(?:di|tak|dak)?tutup"
    r"(?:\s+(?:ya|yo|nggih|ngge|dulu|dulu\s+ya|sek|riyin|rumiyin|obrolan\w*|chat\w*|percakapan\w*))?\W*$"
    r"|\b(?:ditutup|diakhiri|dicukupkan|closed|closing)\b"
    r"|^\W*(?:(?:sudah|udah|wis|wes|sampun|ok|oke|okey|sip|nggih|ya)\W+){0,2}(?:selesai|beres|rampung|done|clear|tuntas|"
    r"cukup|mari)(?:\W+(?:ya|yo|nggih|bu|pak|mbak|mas|min|nggeh|ngge|nggih\s+bu|nggih\s+pak))*\W*$"
    # "sampun nggih", "udah ya bu", "sekian dulu nggih": done talking, said as to the resident
    r"|^\W*(?:sampun|sudah|udah|wis|wes|sekian|cukup)(?:\W+(?:dulu|riyin|rumiyin|sek|ya|yo|nggih|ngge|nggeh|bu|pak|"
    r"mbak|mas|nggih\s+bu|nggih\s+pak|nggih\s+mbak|nggih\s+mas|sekian|nggih\s+sekian))+\W*$",
    re.IGNORECASE)


def closing_like(text: str) -> bool:
    return bool(_CLOSING.search(text.strip()))


# "#KM-1754 pesan Selamat pagi": the help's own word for "your message" is not part of it — unless it
# begins the sentence ("pesan Anda sudah kami terima", "pesannya sudah sampai").
_REPLY_WORD = re.compile(r"^(?:pesan|balas|balasan|jawab|kirim|reply)\b[\s:,.\-]*", re.IGNORECASE)
_SENTENCE_GOES_ON = frozenset({"anda", "bapak", "ibu", "sampeyan", "panjenengan", "njenengan", "saudara", "sudah",
                               "sampun", "belum", "tersebut", "ini", "itu", "sudah", "kami", "warga", "dari", "ke"})


def message_of(rest: str) -> str:
    m = _REPLY_WORD.match(rest)
    if m is None:
        return rest
    after = rest[m.end():]
    first = after.split(maxsplit=1)[0].casefold().strip(",.!?") if after.split() else ""
    return after.strip() if after.strip() and first not in _SENTENCE_GOES_ON else rest


_CONFIRM_WORDS = frozenset({"ya", "yakin", "pasti", "benar", "betul", "iya", "sudah"})


def _finish(ctx: Ctx, ticket: Ticket, tail: str) -> list[Say]:
    """"selesai": a chat that is only a chat ends; a registration whose visit is still ahead is
    asked first (the petugas most likely meant "done talking": #KODE tutup)."""
    first, _, note = tail.partition(" ")
    confirmed = first.casefold().strip(",.!") in _CONFIRM_WORDS
    if not confirmed and ticket.status not in CLOSED_TICKET and _GOES_ON.search(tail):
        # "selesai dulu, nanti saya kabari": done talking, the case goes on.
        return _end(ctx, ticket, tail, keep_open=True)
    if not confirmed and ticket.status not in CLOSED_TICKET and _visit_ahead(ctx, ticket):
        return [say("petugas.confirm_finish", kode=ticket.kode, layanan=ticket.layanan.nama_pendek,
                    tanggal=tanggal(ticket.visit.tanggal))]
    return _close(ctx, ticket, (note if confirmed else tail).strip() or None)


def _visit_ahead(ctx: Ctx, ticket: Ticket) -> bool:
    if ticket.layanan is None or ticket.visit is None:
        return False
    timezone = getattr(getattr(ctx.runtime, "settings", None), "bot_timezone", "Asia/Jakarta")
    return ticket.visit.tanggal > ctx.now.astimezone(ZoneInfo(timezone)).date()


# Words after "selesai" that say the case goes on: the chat ends, the ticket stays open.
_GOES_ON = re.compile(r"\b(?:nanti|lanjut\w*|dilanjut\w*|tunggu|menunggu|kabari|dikabari|kabarin|dulu|sementara|"
                      r"sek|disik|riyin|belum|ditindaklanjuti|menyusul|nyusul)\b", re.IGNORECASE)


def _end_chat(ctx: Ctx, m: re.Match[str]) -> list[Say]:
    """#KODE tutup: the conversation ends; a service ticket stays open for its visit."""
    ticket, refusal = _ticket(ctx, kode_of(m))
    if refusal:
        return [refusal]
    note = m.group("note").strip()
    return _end(ctx, ticket, note, keep_open=bool(_GOES_ON.search(note)))


def _end(ctx: Ctx, ticket: Ticket, note: str, keep_open: bool) -> list[Say]:
    if ticket.layanan is None and not keep_open:  # a chat and nothing else: ending it closes the ticket
        return _close(ctx, ticket, note or None)
    if ticket.status in CLOSED_TICKET:
        return [say("petugas.already_closed", kode=ticket.kode)]
    conversation = _conversation_of(ctx.s, ticket)
    if conversation is not None:
        conversation.handoff_ticket_id = None
    _event(ctx, ticket, TicketAction.PERCAKAPAN_DITUTUP, note=note or None)
    what = ticket.layanan.nama_pendek if ticket.layanan is not None else ticket.opd.singkatan
    if ticket.resident is not None and ticket.resident.phone and conversation is not None:
        if ticket.layanan is not None:
            when = say("handoff.visit_when", tanggal=tanggal(ticket.visit.tanggal)) if ticket.visit is not None else ""
            text = say("handoff.chat_ended", kode=ticket.kode, layanan=what, when=when)
        else:
            text = say("handoff.chat_ended_case_open", kode=ticket.kode, opd=what,
                       note=say("ticket.note_line", note=note) if note else "")
        notify.to_resident(ctx.s, ticket.resident, "ticket_update", text,
                           ticket_id=ticket.id, template_vars={"1": ticket.kode, "2": ticket.status})
    return [say("petugas.chat_ended", kode=ticket.kode, layanan=what)]


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


def _words(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


COMMANDS: list[Command] = [
    Command(re.compile(rf"^({_words(STAFF_HELP_WORDS | {PETUGAS_MENU_WORD})})$", re.IGNORECASE), _help),
    Command(re.compile(rf"^{BACKLOG_WORD}(?:\s+(?:saya|dinas))?(?:\s+(?:hal(?:aman)?\.?\s*)?(?P<page>\d{{1,3}}))?$",
                       re.IGNORECASE), _backlog),
    Command(re.compile(rf"^{CLAIM_WORD}\s+{CODE}\s*$", re.IGNORECASE), _claim),
    Command(re.compile(rf"^({_words(CALL_WORDS)})$", re.IGNORECASE), _call_next),
    Command(re.compile(rf"^{CODE}[\s:,.]*(?P<word>{CHECK_IN_WORD}|{SKIP_WORD})\s*$", re.IGNORECASE), _at_the_stand),
    Command(re.compile(rf"^{CODE}[\s:,.]*{TRANSFER_WORD}\b(?:\s+ke\b)?[\s:,.]*(?P<dinas>.*)$", re.IGNORECASE | re.DOTALL),
            _transfer),
    Command(re.compile(rf"^{CODE}[\s:,.]*(?:{_words(END_CHAT_WORDS)})\b[\s:,.]*(?P<note>.*)$", re.IGNORECASE | re.DOTALL),
            _end_chat),
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


def _event(ctx: Ctx, ticket: Ticket, action: TicketAction, status: str | None = None, note: str | None = None) -> None:
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
    _event(ctx, ticket, TicketAction.BALAS, note=text[:1000])
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
    stand.served_with_ticket(ctx.s, ticket, ctx.now)  # their place at the stand is done too
    ticket.status, ticket.closed_at = TicketStatus.SELESAI, ctx.now
    _event(ctx, ticket, TicketAction.SELESAI, TicketStatus.SELESAI, note)
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
    """Ask the 1–5 rating: the engine enters the survey flow (its first question and state) — unless the
    resident asked for no more surveys."""
    if resident.surveys_off_at is not None:
        return
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
    _event(ctx, ticket, TicketAction.STATUS, new, note)
    if ticket.resident is not None and ticket.resident.phone:
        notify.to_resident(ctx.s, ticket.resident, "ticket_update", say(
            "ticket.status_changed", kode=ticket.kode,
            layanan=ticket.layanan.nama_pendek if ticket.layanan else ticket.opd.singkatan,
            status_text=say(f"status.ticket.{new}"), note=say("ticket.note_line", note=note) if note else ""),
            ticket_id=ticket.id, template_vars={"1": ticket.kode, "2": new.value})
    return [say("petugas.status_set", kode=ticket.kode, status=say(f"status.ticket.{new}"))]
