"""How one visit reads to a resident (the schedule's card, a cancelled or moved visit flagged): shown
by the schedule flow, the queue flow and the Rasa actions alike."""

from __future__ import annotations

from flows.engine import Say, say
from flows.facts import VisitChange, VisitView


def visit_card(v: VisitView | VisitChange) -> Say:
    """One visit as the resident sees it, cancelled or moved ones flagged."""
    if v.status == "cancelled":
        return say("jadwal.visit_cancelled", kecamatan=v.kecamatan, tanggal=v.tanggal_text)
    if v.status == "moved":
        return say("jadwal.visit_moved", kecamatan=v.kecamatan, tanggal=v.tanggal_text,
                   tanggal_baru=v.moved_to_text or "-")
    return say("jadwal.visit", kecamatan=v.kecamatan, tanggal=v.tanggal_text, jam=v.jam_text,
               lokasi=v.lokasi, opd=opd_summary(v.opd_names))


def opd_summary(names: list[str], shown: int = 4) -> Say | str:
    if len(names) <= shown:
        return ", ".join(names)
    return say("jadwal.opd_more", names=", ".join(names[:shown]), n=len(names) - shown)
