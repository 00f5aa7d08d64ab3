"""langganan — reminders for a kecamatan with explicit consent; MULAI opts back in.

Stopping (BERHENTI/STOP/…) is a global command handled by the dispatcher at once.
"""

from __future__ import annotations

from flows.effects import Subscribe
from flows.engine import Ask, Flow, Step, Turn, choices, say, unhandled
from flows.places import KECAMATAN_CONFIRMATION, kecamatan_answer, kecamatan_confirmation


class S:
    ASK_KECAMATAN = "ask_kecamatan"
    CONFIRM_KECAMATAN = "confirm_kecamatan"
    CONSENT = "consent"


CONSENT = choices(("yes", say("opt.yes_remind")), ("no", say("opt.no_thanks")), yes="yes", no="no")


def start(turn: Turn) -> Step:
    kecamatan = (turn.slots.get("kecamatan") or turn.entities.get("kecamatan")
                 or turn.resident.subscribed_kecamatan or turn.resident.kecamatan)
    if kecamatan is None:
        return Step([say("langganan.ask_kecamatan")], S.ASK_KECAMATAN)
    return _consent(kecamatan)


def _consent(kecamatan: str) -> Step:
    return Step([say("langganan.consent", kecamatan=kecamatan, options=CONSENT.labels())],
                S.CONSENT, {"kecamatan": kecamatan})


_KECAMATAN_STATES = dict(unknown=say("langganan.kecamatan_unknown"), ask_state=S.ASK_KECAMATAN,
                         confirm_state=S.CONFIRM_KECAMATAN, then=lambda turn, kecamatan: _consent(kecamatan))


def ask_kecamatan(turn: Turn) -> Step:
    return kecamatan_answer(turn, **_KECAMATAN_STATES)


def confirm_kecamatan(turn: Turn) -> Step:
    return kecamatan_confirmation(turn, ask_again=say("langganan.ask_kecamatan"), **_KECAMATAN_STATES)


def consent(turn: Turn) -> Step:
    kecamatan = turn.slots["kecamatan"]
    answer = turn.pick(CONSENT)
    if answer == "yes":
        return Step([say("langganan.subscribed", kecamatan=kecamatan)], None, effects=[Subscribe(kecamatan=kecamatan)])
    if answer == "no":
        return Step([say("langganan.not_subscribed")], None)
    found = turn.nlu.match_kecamatan(turn.text)
    if found is not None and found.certain:
        # Another kecamatan changes the question; the same one repeated is not a yes (consent
        # stays explicit), so it is asked again rather than read as a new schedule question.
        return _consent(found.name)
    return unhandled(say("common.choose_again", options=CONSENT.labels()), state=S.CONSENT)


FLOW = Flow(name="langganan", entry_intents=("langganan",), start=start,
            keywords=("pengingat", "langganan", "pengingat jadwal"),
            steps={S.ASK_KECAMATAN: ask_kecamatan, S.CONFIRM_KECAMATAN: confirm_kecamatan, S.CONSENT: consent},
            menu_label="menu.item.langganan", asks={S.CONSENT: Ask(CONSENT), S.CONFIRM_KECAMATAN: KECAMATAN_CONFIRMATION}, effects=(Subscribe,))
