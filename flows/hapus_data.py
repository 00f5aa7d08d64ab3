"""HAPUS DATA SAYA — erase the resident's personal data after a confirmation (UU 27/2022).

Tickets and proposals stay, anonymised, for the regency's statistics.
"""

from __future__ import annotations

from flows.engine import Flow, Step, Turn, effect, say, unhandled


class S:
    CONFIRM = "confirm"


def start(turn: Turn) -> Step:
    return Step([say("hapus.confirm", options=[say("opt.yes_erase"), say("opt.no_keep")])], S.CONFIRM)


def confirm(turn: Turn) -> Step:
    if turn.yes():
        return Step([say("hapus.done")], None, effects=[effect("erase_data")])
    if turn.no():
        return Step([say("hapus.kept")], None)
    return unhandled(say("common.choose_number", n=2), state=S.CONFIRM)


FLOW = Flow(name="hapus_data", entry_intents=(), start=start, steps={S.CONFIRM: confirm})
