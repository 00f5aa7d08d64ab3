"""cek_status — a ticket or proposal by code, or all of the resident's open ones."""

from __future__ import annotations

from flows.engine import Bullets, Flow, Say, Step, Turn, say, unhandled
from flows.facts import Facts, StatusItem, TicketView


class S:
    ASK_KODE = "ask_kode"


def item_card(item: StatusItem) -> Say:
    if isinstance(item, TicketView):
        v = item.visit
        # When and where to come first: the visit's date, hours, place and kecamatan.
        jadwal = (say("status.ticket_visit", tanggal=v.tanggal_text, jam=v.jam_text, lokasi=v.lokasi,
                      kecamatan=v.kecamatan) if v else "")
        untuk = say("status.ticket_for", nama=item.nama) if item.nama else ""
        return say("status.ticket", kode=item.kode, layanan=item.layanan, untuk=untuk, jadwal=jadwal,
                   status_text=say(f"status.ticket.{item.status}"), updated_text=item.updated_text,
                   note=item.note, contact=item.contact)
    return say("status.proposal", kode=item.kode, kategori=say(f"usulan.kategori.{item.kategori}"), desa=item.desa,
               status_text=say(f"status.proposal.{item.status}"), updated_text=item.updated_text,
               support_count=item.support_count)


def status_of(facts: Facts, kode: str) -> Step:
    """One code's status, for its owner only. Shared with the Rasa action."""
    item = facts.ticket_for_resident(kode)
    if item is None:
        # Same answer whether the code does not exist or belongs to someone else.
        return Step([say("status.not_found", kode=kode.upper())], None)
    return Step([item_card(item)], None)


def start(turn: Turn) -> Step:
    return start_with(turn.facts, turn.entities.get("kode"))


def start_with(facts: Facts, kode: str | None) -> Step:
    """A code's status, or all of the resident's open items. Shared with the Rasa action."""
    if kode:
        return status_of(facts, kode)
    items = facts.open_items_of_resident()
    if not items:
        return Step([say("status.none")], None)
    replies = [say("status.mine", items=Bullets([item_card(i) for i in items[:5]]))]
    if any(isinstance(i, TicketView) and i.status not in ("selesai", "ditolak", "dibatalkan") for i in items):
        replies.append(say("status.own_ticket_hint"))  # flows/tiket.py reads the answer
    return Step(replies, None)


def ask_kode(turn: Turn) -> Step:
    kode = turn.entities.get("kode")
    if not kode:
        return unhandled(say("status.ask_kode"), state=S.ASK_KODE)
    return status_of(turn.facts, kode)


FLOW = Flow(name="status", entry_intents=("cek_status",), start=start, steps={S.ASK_KODE: ask_kode},
            menu_label="menu.item.status",
            keywords=("status", "cek status", "cek tiket", "status tiket", "cek usulan"))
