"""survei — after a ticket closes: a 1–5 rating (a number or words: "lima", "apik pol") and an
optional comment. Entered by the engine when a petugas closes the ticket (`enter`), not by a message."""

from __future__ import annotations

from typing import Any, Mapping

from flows.effects import SaveSurvey
from flows.engine import Ask, Flow, Step, Turn, say, unhandled


class S:
    RATING = "rating"
    COMMENT = "comment"


def enter(slots: Mapping[str, Any]) -> Step:
    """The first question, sent when the ticket is closed; slots carry the ticket_kode."""
    return Step([say("survei.ask_rating", kode=slots.get("ticket_kode", ""))], S.RATING, dict(slots))


def start(turn: Turn) -> Step:
    return enter(turn.slots)


def rating(turn: Turn) -> Step:
    score = turn.rating()
    if score is None:
        return unhandled(say("survei.rating_invalid"), state=S.RATING)
    return Step([say("survei.ask_comment")], S.COMMENT, {**turn.slots, "rating": score})


def comment(turn: Turn) -> Step:
    text = None if (turn.choice == 1 or turn.skipped()) else turn.text.strip()[:1000] or None
    return Step([say("survei.thanks")], None,
                effects=[SaveSurvey(ticket_kode=turn.slots["ticket_kode"], rating=turn.slots["rating"], comment=text)])


FLOW = Flow(name="survei", entry_intents=(), start=start, steps={S.RATING: rating, S.COMMENT: comment},
            asks={S.COMMENT: Ask(free_text=True, optional=True)}, effects=(SaveSurvey,), enter=enter)
