"""Ticket and proposal codes residents read aloud and type back (KM-4821, US-0193): one pattern for the
generator (handlers.codes), the resident's phrases (flows.nlu, "status km 4821"), the petugas' #KODE
commands (handlers.petugas_commands) and the console's addresses (/console/tiket/<kode>)."""

from __future__ import annotations

import re

TICKET_PREFIX = "KM"
PROPOSAL_PREFIX = "US"
PREFIXES = (TICKET_PREFIX, PROPOSAL_PREFIX)

# How many digits a code has: four, longer only when the short ones get crowded (the generator
# tries each length of DIGIT_STEPS in turn). Every reader accepts every length the generator makes.
DIGIT_STEPS = (4, 4, 4, 5, 5, 5, 6, 6, 6, 7, 8)
MIN_DIGITS, MAX_DIGITS = min(DIGIT_STEPS), max(DIGIT_STEPS)

# As people type one: "KM-4821", "km 4821", "KM4821", "km_4821", "KM.4821", "km:4821", "#km/4821".
SEPARATOR = r"\s*[-_.:/#]?\s*"


def typed(prefixes: tuple[str, ...] = PREFIXES) -> str:
    """The regex of a code as typed (groups `prefix` and `digits`), for one or more prefixes."""
    return rf"(?P<prefix>{'|'.join(prefixes)}){SEPARATOR}(?P<digits>\d{{{MIN_DIGITS},{MAX_DIGITS}}})(?![0-9])"


# A code inside a longer text (case-insensitive): not glued to a word or number before it.
IN_TEXT = re.compile(rf"(?<![a-z0-9]){typed()}", re.IGNORECASE)
_WHOLE = re.compile(rf"\s*#?\s*{typed()}\s*", re.IGNORECASE)


def code(prefix: str, digits: str) -> str:
    """The code as it is stored and shown: "KM-4821"."""
    return f"{prefix.upper()}-{digits}"


def new_code(prefix: str, digits: int, number: int) -> str:
    """The generator's code of `digits` digits for `number` in [0, 9·10^(digits-1))."""
    return code(prefix, str(10 ** (digits - 1) + number))


def normalise(text: str) -> str | None:
    """A whole text that is one code, as stored ("km 4821" → "KM-4821"); None otherwise."""
    match = _WHOLE.fullmatch(text or "")
    return code(match.group("prefix"), match.group("digits")) if match else None


def find(text: str) -> re.Match | None:
    """The first code inside `text` (groups `prefix` and `digits`)."""
    return IN_TEXT.search(text or "")
