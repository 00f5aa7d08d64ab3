"""The message catalogue: every resident-, kades- and petugas-facing text, in Bahasa Indonesia.

Texts live in the modules of this package as `MESSAGES = {key: template}` with `str.format`
placeholders, so wording can change without touching logic. Flows name a key and its values;
`render` fills it in and `for_channel` adapts it to the channel.
"""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import Any, Mapping

from catalogue import antrean, broadcast, console, info, petugas, regency, resident
from flows.engine import Bullets, Grouped, Say

MESSAGES: Mapping[str, str] = MappingProxyType({**resident.MESSAGES, **broadcast.MESSAGES, **petugas.MESSAGES,
                                                 **console.MESSAGES, **antrean.MESSAGES, **info.MESSAGES,
                                                 **regency.MESSAGES})

TWILIO_BODY_LIMIT = 1600
_BOLD = re.compile(r"\*(\S(?:[^*\n]*\S)?)\*")
# Control characters make invalid TwiML XML; keep newline and tab.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def render(key: str, /, **params: Any) -> str:
    return MESSAGES[key].format(**{name: _value(v) for name, v in params.items()})


def render_say(item: Say) -> str:
    return render(item.key, **item.params)


def _value(v: Any) -> str:
    if isinstance(v, Say):
        return render_say(v)
    if isinstance(v, Bullets):
        return "\n".join(f"• {_value(i)}" for i in v.items)
    if isinstance(v, Grouped):  # shown as a list where a tap is possible (handlers/interactive.py), never as text
        return ""
    if isinstance(v, (list, tuple)):
        return "\n".join(f"{n}. {_value(i)}" for n, i in enumerate(v, start=1))
    return "" if v is None else str(v)


def for_channel(text: str, channel: str) -> str:
    """WhatsApp keeps *bold*; SMS and the terminal get plain text."""
    text = _CONTROL.sub("", text)
    if channel != "whatsapp":
        text = _BOLD.sub(r"\1", text)
    return text


def split_body(text: str, limit: int = TWILIO_BODY_LIMIT) -> list[str]:
    """Pieces of at most `limit` characters, cut at paragraph or line ends where possible."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = max(rest.rfind("\n\n", 0, limit), rest.rfind("\n", 0, limit), rest.rfind(" ", 0, limit))
        if cut <= 0:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces
