"""petugas — the resident wants a person: hand the chat to an officer of the OPD in context."""

from __future__ import annotations

from flows.effects import Handoff
from flows.engine import Flow, Step, Turn


def start(turn: Turn) -> Step:
    opd = turn.entities.get("opd") or turn.slots.get("opd")
    layanan = turn.entities.get("layanan") or turn.slots.get("layanan")
    return Step([], None, effects=[Handoff(opd=opd, layanan=layanan, kode=turn.entities.get("kode"),
                                           last_message=turn.text[:300], reason=turn.slots.get("handoff_reason"))])


FLOW = Flow(name="petugas", entry_intents=("petugas",), start=start, steps={}, menu_label="menu.item.petugas",
            effects=(Handoff,))
