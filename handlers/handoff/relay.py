"""While a petugas holds the chat: the resident's messages relayed to them, and the questions the bot
answered meanwhile shown to them with the answer."""

from __future__ import annotations

from datetime import datetime
from typing import Callable

from sqlalchemy.orm import Session

from catalogue import render, render_say
from flows.dispatch import STOP_WORDS, normalise_command
from flows.engine import Say, say
from flows.phones import mask_niks
from handlers import notify
from handlers.facts import CLOSED_TICKET
from handlers.handoff.assignment import holder_for, notice
from storage.models import Conversation, Resident, Ticket, TicketAction, TicketEvent


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


def relay_to_petugas(s: Session, runtime, resident: Resident, conversation: Conversation, msg, text: str,
                     now: datetime, reroute: Callable[[Ticket], Say | None] | None = None,
                     shown: str | None = None) -> list[Say] | None:
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
    # The petugas holding the chat reads the resident's words as written (`shown`): a NIK they asked for is
    # what they need to serve. Logs, stored messages, the ticket's history and notices to whoever picks a
    # chat up stay masked (README "Talking to it").
    body = (shown or mask_niks(text)) or ("[foto/lampiran] " + (msg.media_url or "") if msg.media_url else "[lokasi]")
    notify.to_staff(s, staff, "relay", say("petugas.relay", kode=ticket.kode, nama=resident.name or "Warga", text=body),
                    ticket_id=ticket.id, template_vars={"1": ticket.kode, "2": body[:200]})
    return []
