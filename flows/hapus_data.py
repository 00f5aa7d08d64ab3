"""HAPUS DATA SAYA — erase the resident's personal data after a confirmation (UU 27/2022).

Tickets and proposals stay, anonymised, for the regency's statistics.
"""

from __future__ import annotations

from flows.effects import EraseData
from flows.engine import Ask, Flow, Step, Turn, choices, say, unhandled


class S:
    CONFIRM = "confirm"


ERASE = choices(("erase", say("opt.yes_erase")), ("keep", say("opt.no_keep")), yes="erase", no="keep")


def start(turn: Turn) -> Step:
    return Step([say("hapus.confirm", options=ERASE.labels())], S.CONFIRM)


def confirm(turn: Turn) -> Step:
    answer = turn.pick(ERASE)
    if answer == "erase":
        return Step([say("hapus.done")], None, effects=[EraseData()])
    if answer == "keep":
        return Step([say("hapus.kept")], None)
    return unhandled(say("common.choose_again", options=ERASE.labels()), state=S.CONFIRM)


FLOW = Flow(name="hapus_data", entry_intents=(), start=start, steps={S.CONFIRM: confirm},
            asks={S.CONFIRM: Ask(ERASE)}, effects=(EraseData,))
