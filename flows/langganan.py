"""langganan — reminders for a kecamatan with explicit consent; MULAI opts back in.

Stopping (BERHENTI/STOP/…) is a global command handled by the dispatcher at once.
"""

from __future__ import annotations

from flows.engine import Flow, Step, Turn, effect, say, unhandled


class S:
    ASK_KECAMATAN = "ask_kecamatan"
    CONFIRM_KECAMATAN = "confirm_kecamatan"
    CONSENT = "consent"


def start(turn: Turn) -> Step:
    kecamatan = (turn.slots.get("kecamatan") or turn.entities.get("kecamatan")
                 or turn.resident.subscribed_kecamatan or turn.resident.kecamatan)
    if kecamatan is None:
        return Step([say("langganan.ask_kecamatan")], S.ASK_KECAMATAN)
    return _consent(kecamatan)


def _consent(kecamatan: str) -> Step:
    return Step([say("langganan.consent", kecamatan=kecamatan, options=[say("opt.yes_remind"), say("opt.no_thanks")])],
                S.CONSENT, {"kecamatan": kecamatan})


def ask_kecamatan(turn: Turn) -> Step:
    found = turn.nlu.match_kecamatan(turn.text)
    if found is None:
        return unhandled(say("langganan.kecamatan_unknown"), state=S.ASK_KECAMATAN)
    if not found.certain:
        return Step([say("common.did_you_mean_kecamatan", kecamatan=found.name, options=[say("opt.yes"), say("opt.no")])],
                    S.CONFIRM_KECAMATAN, {"kecamatan_guess": found.name})
    return _consent(found.name)


def confirm_kecamatan(turn: Turn) -> Step:
    if turn.yes():
        return _consent(turn.slots["kecamatan_guess"])
    if turn.no():
        return Step([say("langganan.ask_kecamatan")], S.ASK_KECAMATAN)
    return ask_kecamatan(turn)


def consent(turn: Turn) -> Step:
    kecamatan = turn.slots["kecamatan"]
    if turn.yes():
        return Step([say("langganan.subscribed", kecamatan=kecamatan)], None,
                    effects=[effect("subscribe", kecamatan=kecamatan)])
    if turn.no():
        return Step([say("langganan.not_subscribed")], None)
    found = turn.nlu.match_kecamatan(turn.text)
    if found is not None and found.certain and found.name != kecamatan:
        return _consent(found.name)
    return unhandled(say("common.choose_number", n=2), state=S.CONSENT)


FLOW = Flow(name="langganan", entry_intents=("langganan",), start=start,
            steps={S.ASK_KECAMATAN: ask_kecamatan, S.CONFIRM_KECAMATAN: confirm_kecamatan, S.CONSENT: consent},
            menu_label="menu.item.langganan")
