"""survei — after a ticket closes: a 1–5 rating and an optional comment."""

from __future__ import annotations

from flows.engine import Flow, Step, Turn, effect, say, unhandled


class S:
    RATING = "rating"
    COMMENT = "comment"


def start(turn: Turn) -> Step:
    return Step([say("survei.ask_rating", kode=turn.slots.get("ticket_kode", ""))], S.RATING, dict(turn.slots))


def rating(turn: Turn) -> Step:
    if turn.choice is None or not 1 <= turn.choice <= 5:
        return unhandled(say("survei.rating_invalid"), state=S.RATING)
    return Step([say("survei.ask_comment")], S.COMMENT, {**turn.slots, "rating": turn.choice})


def comment(turn: Turn) -> Step:
    text = None if (turn.choice == 1 or turn.no()) else turn.text.strip()[:1000] or None
    return Step([say("survei.thanks")], None,
                effects=[effect("save_survey", ticket_kode=turn.slots["ticket_kode"], rating=turn.slots["rating"],
                                comment=text)])


FLOW = Flow(name="survei", entry_intents=(), start=start, steps={S.RATING: rating, S.COMMENT: comment})
