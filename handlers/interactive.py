"""Questions with choices as WhatsApp buttons and list pickers (Twilio's Content API), and taps back.

A reply whose last item is a question with numbered choices (a Say with a list `options` param) can
go to a WhatsApp resident as content: up to 3 choices → `twilio/quick-reply` (titles ≤ 20
characters), 4–10 → `twilio/list-picker` (items ≤ 24, descriptions ≤ 72, body ≤ 1,024). Anything
else (more than 10, a body too long, SMS, the terminal chat, Rasa) stays numbered text, and the
numbered text is always kept as the fallback of a send that cannot be interactive (63016).

One Content template per shape (kind + number of options) carries every label as a variable; it is
created through the Content API at first use and cached in `content_template` so every process shares
it. Each choice's id is `<question token>.<number>`: a tap maps to the option's number directly, and
a tap whose token is not the conversation's last question (`conversation.asked`) is a stale button.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from catalogue import MESSAGES, for_channel, render, render_say
from flows.engine import Grouped, Say
from handlers.replies import render_replies
from storage.db import utcnow
from storage.dialect import dialect_name, insert_for
from storage.models import ContentTemplate

QUICK_REPLY = "quick-reply"
LIST_PICKER = "list-picker"
QUICK_REPLY_MAX = 3
LIST_MAX = 10
TITLE_MAX = 20  # a quick-reply button
ITEM_MAX = 24  # a list item
DESCRIPTION_MAX = 72
BODY_MAX = 1024
LIST_BUTTON_KEY = "interactive.list_button"
_TAP = re.compile(r"([0-9a-f]{8})\.(g?)(\d{1,2})")
_ASIDE = re.compile(r"\s*\([^()]*\)$")  # a trailing "(KIA)": an aside a title may drop to fit


@dataclass(frozen=True)
class Choice:
    id: str
    title: str
    description: str = ""


@dataclass(frozen=True)
class Interactive:
    """A question as content: its kind, body and choices, and the numbered text it replaces."""

    kind: str
    body: str
    choices: tuple[Choice, ...]
    button: str = ""  # a list picker's button
    text: str = ""  # the same question as numbered text (fallback)

    @property
    def size(self) -> int:
        return len(self.choices)

    def variables(self) -> dict[str, str]:
        """The ContentVariables of a send with this shape's template (see `template_of`)."""
        values = {"1": self.body}
        if self.kind == LIST_PICKER:
            values["2"] = self.button
        for n, choice in enumerate(self.choices, start=1):
            title, ident, description = _slots(self.kind, n)
            values[title], values[ident] = choice.title, choice.id
            if description:
                values[description] = choice.description or " "
        return values


def _slots(kind: str, n: int) -> tuple[str, str, str | None]:
    """The variable names of choice n (1-based): title, id, description (list pickers only)."""
    if kind == QUICK_REPLY:
        return str(2 * n), str(2 * n + 1), None
    return str(3 * n), str(3 * n + 1), str(3 * n + 2)


def template_of(kind: str, size: int) -> dict[str, Any]:
    """The Content API create request of one shape: every text a variable, with sample values."""
    sample = {"1": "Pertanyaan"}
    if kind == QUICK_REPLY:
        actions = []
        for n in range(1, size + 1):
            title, ident, _ = _slots(kind, n)
            actions.append({"title": "{{%s}}" % title, "id": "{{%s}}" % ident})
            sample[title], sample[ident] = f"Pilihan {n}", f"00000000.{n}"
        types = {"twilio/quick-reply": {"body": "{{1}}", "actions": actions}}
    else:
        sample["2"] = "Pilih"
        items = []
        for n in range(1, size + 1):
            title, ident, description = _slots(kind, n)
            items.append({"item": "{{%s}}" % title, "id": "{{%s}}" % ident, "description": "{{%s}}" % description})
            sample[title], sample[ident], sample[description] = f"Pilihan {n}", f"00000000.{n}", " "
        types = {"twilio/list-picker": {"body": "{{1}}", "button": "{{2}}", "items": items}}
    return {"friendly_name": f"kenduren_{kind.replace('-', '_')}_{size}", "language": "id",
            "variables": sample, "types": types}


# -- rendering ---------------------------------------------------------------------------------------
def question_of(replies: Sequence[Say]) -> Say | None:
    """The question with choices a reply ends with (its last item has a list `options` param, or
    its choices declared in groups: flows.engine.Grouped)."""
    if replies and (_options(replies[-1]) or _grouped(replies[-1]) is not None):
        return replies[-1]
    return None


def _options(question: Say) -> list:
    options = question.params.get("options")
    return list(options) if isinstance(options, (list, tuple)) else []


def _grouped(question: Say) -> Grouped | None:
    grouped = question.params.get("groups")
    return grouped if isinstance(grouped, Grouped) and grouped.groups else None


def question_token(question: Say) -> str:
    """8 hex digits naming this question (its key, its options and its groups as shown)."""
    shown: list = [_label(o) for o in _options(question)]
    grouped = _grouped(question)
    if grouped is not None:
        shown.append([_label(g.label) for g in grouped.groups])
    digest = hashlib.sha256(json.dumps([question.key, shown]).encode()).hexdigest()
    return digest[:8]


def asked_token(replies: Sequence[Say]) -> str | None:
    question = question_of(replies)
    return question_token(question) if question is not None else None


def interactive_of(question: Say, results: Mapping[str, Any] | None = None) -> Interactive | None:
    """The question as WhatsApp content, or None where it stays numbered text (> 10 choices without
    groups, a body or a label that does not fit even in its short form)."""
    options = _options(question)
    grouped = _grouped(question)
    params = {**(results or {}), **question.params}
    if grouped is not None and not 1 <= len(options) <= LIST_MAX:
        return _groups_of(question, grouped, params)
    if not 1 <= len(options) <= LIST_MAX:
        return None
    text = for_channel(render(question.key, **params).strip(), "whatsapp")
    # The question as it reads above buttons (`<key>.tap`, where the text says "reply with a number").
    body_key = f"{question.key}.tap" if f"{question.key}.tap" in MESSAGES else question.key
    body = for_channel(render(body_key, **{**params, "options": ""}), "whatsapp")
    body = re.sub(r"\n{3,}", "\n\n", body).strip()
    if not body or len(body) > BODY_MAX:
        return None
    token = question_token(question)
    labels = [_label(o) for o in options]
    shorts = [_short(o) or label for o, label in zip(options, labels)]
    if not all(shorts):
        return None  # a button needs a title (Twilio refuses a blank one)
    if len(options) <= QUICK_REPLY_MAX and all(len(s) <= TITLE_MAX for s in shorts):
        choices = tuple(Choice(f"{token}.{n}", s) for n, s in enumerate(shorts, start=1))
        return Interactive(QUICK_REPLY, body, choices, text=text)
    items = []
    for n, (label, short) in enumerate(zip(labels, shorts), start=1):
        short = _fit(short, ITEM_MAX) or short
        if len(short) > ITEM_MAX or len(label) > ITEM_MAX + DESCRIPTION_MAX:
            return None  # a label cut short would read as something else: numbered text instead
        description = label if label != short else ""
        if len(description) > DESCRIPTION_MAX:
            description = ""  # the short title names it; the long one is in the SMS text
        items.append(Choice(f"{token}.{n}", short, description))
    return Interactive(LIST_PICKER, body, tuple(items), button=render(LIST_BUTTON_KEY), text=text)


def _groups_of(question: Say, grouped: Grouped, params: Mapping[str, Any]) -> Interactive | None:
    """More than ten choices: a list of their groups (a dinas, an area), each item tapping back as
    `<token>.g<n>`; the flow asks within the group tapped. The numbered text (the full list, or the
    question alone where typing is the answer) stays the fallback."""
    if len(grouped.groups) > LIST_MAX:
        return None
    text = for_channel(render(question.key, **params).strip(), "whatsapp")
    body_key = f"{question.key}.tap" if f"{question.key}.tap" in MESSAGES else question.key
    body = for_channel(render(body_key, **{**params, "options": ""}), "whatsapp").strip()
    if grouped.hint is not None:
        body = f"{body}\n{for_channel(render_say(grouped.hint), 'whatsapp')}"
    body = re.sub(r"\n{3,}", "\n\n", body).strip()
    if not body or len(body) > BODY_MAX:
        return None
    token = question_token(question)
    items = []
    for n, group in enumerate(grouped.groups, start=1):
        title = _fit(_short(group.label) or _label(group.label), ITEM_MAX)
        if title is None:
            return None
        description = group.description
        description = _label(description) if isinstance(description, Say) else str(description or "").strip()
        items.append(Choice(f"{token}.g{n}", title, _cut(description, DESCRIPTION_MAX)))
    if len({c.title.casefold() for c in items}) < len(items):
        return None  # two items reading the same: the resident could not tell them apart
    return Interactive(LIST_PICKER, body, tuple(items), button=render(LIST_BUTTON_KEY), text=text)


def _fit(title: str, limit: int) -> str | None:
    """A title within `limit`, dropping a trailing aside ("Kartu Identitas Anak (KIA)") if that is
    what makes it fit; None when it cannot fit without reading as something else."""
    title = title.strip()
    if len(title) > limit:
        title = _ASIDE.sub("", title).strip()
    return title if 0 < len(title) <= limit else None


def _cut(text: str, limit: int) -> str:
    """A description within `limit`, cut at a word with "…" (the title names the item)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:–- ")
    return f"{cut}…"


@dataclass(frozen=True)
class Rendered:
    """One answer for a channel: the text messages, and the question as content when it can be one
    (sent after the texts; `question.text` is its numbered fallback)."""

    texts: list[str]
    question: Interactive | None = None


def render_for(replies: Sequence[Say], channel: str, results: Mapping[str, Any] | None = None) -> Rendered:
    """The hook a WhatsApp REST send uses: a question with choices at the end becomes content; any
    other channel, or a question that does not fit, is the numbered text `render_replies` gives."""
    question = question_of(replies) if channel == "whatsapp" else None
    content = interactive_of(question, results) if question is not None else None
    if content is None:
        return Rendered(render_replies(replies, channel, dict(results or {})))
    return Rendered(render_replies(replies[:-1], channel, dict(results or {})), content)


def _label(option: Any) -> str:
    text = render_say(option) if isinstance(option, Say) else str(option)
    return for_channel(text, "whatsapp").replace("*", "").strip()


def _short(option: Any) -> str | None:
    """The catalogue's short label of an option (`<key>.short`), for the width of a button or list."""
    if isinstance(option, Say) and f"{option.key}.short" in MESSAGES:
        return render(f"{option.key}.short", **option.params).strip()
    return None


# -- taps ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Tap:
    token: str
    number: int
    group: bool = False  # a group of a grouped question (`<token>.g<n>`), not an option


def tap_of(payload: str | None) -> Tap | None:
    """A tap on one of our buttons or list items (its id); None for any other payload."""
    match = _TAP.fullmatch((payload or "").strip())
    return Tap(match.group(1), int(match.group(3)), bool(match.group(2))) if match else None


# -- the template cache --------------------------------------------------------------------------------
class ContentApiError(Exception):
    pass


def create_content(client, request: Mapping[str, Any]) -> str:
    """POST /v1/Content through twilio-python's content domain (redirected by TWILIO_API_BASE_URL)."""
    response = client.content.v1.request("POST", "Content", data=dict(request),
                                         headers={"Content-Type": "application/json", "Accept": "application/json"})
    if not 200 <= response.status_code < 300:
        raise ContentApiError(f"Content API answered {response.status_code}: {response.text[:200]}")
    return json.loads(response.text)["sid"]


def delete_content(client, sid: str) -> None:
    client.content.v1.request("DELETE", f"Content/{sid}")


def content_sid_for(sessions: sessionmaker[Session], client, kind: str, size: int) -> str:
    """The template of this shape, created through the Content API at first use. Two processes
    racing store one row: the loser's insert does nothing, it uses the winner's and deletes its own.
    Within a process one thread creates, the others wait for it (a sender has many residents'
    threads: each creating its own left a dozen templates at Twilio to delete, and a stopped
    process some of them undeleted)."""
    with sessions.begin() as session:
        found = session.scalar(select(ContentTemplate.content_sid)
                               .where(ContentTemplate.kind == kind, ContentTemplate.size == size))
    if found:
        return found
    with _CREATING_LOCK:
        creating = _CREATING.setdefault((kind, size), threading.Lock())
    with creating:
        with sessions.begin() as session:
            found = session.scalar(select(ContentTemplate.content_sid)
                                   .where(ContentTemplate.kind == kind, ContentTemplate.size == size))
        return found or _create_and_store(sessions, client, kind, size)


def forget_content(sessions: sessionmaker[Session], kind: str, size: int, gone_sid: str) -> None:
    """A template Twilio no longer has (20404: deleted in its console, or by another deployment): its
    cached row goes, so the next content_sid_for creates it again. Only that SID's row: a process
    that has already created the new one keeps it."""
    with sessions.begin() as session:
        session.execute(delete(ContentTemplate).where(ContentTemplate.kind == kind, ContentTemplate.size == size,
                                                      ContentTemplate.content_sid == gone_sid))


_CREATING: dict[tuple[str, int], threading.Lock] = {}
_CREATING_LOCK = threading.Lock()


def _create_and_store(sessions: sessionmaker[Session], client, kind: str, size: int) -> str:
    created = create_content(client, template_of(kind, size))
    with sessions.begin() as session:
        table = ContentTemplate.__table__
        session.execute(insert_for(dialect_name(session), table)
                        .values(kind=kind, size=size, content_sid=created, created_at=utcnow())
                        .on_conflict_do_nothing(index_elements=[table.c.kind, table.c.size]))
        stored = session.scalar(select(ContentTemplate.content_sid)
                                .where(ContentTemplate.kind == kind, ContentTemplate.size == size))
    if stored != created:
        try:
            delete_content(client, created)
        except Exception:  # an unused template costs nothing; the stored one is what counts
            pass
    return stored
