"""The conversation policy: the rules around the flows, declared and pure.

Two questions, asked by handlers/inbound.py (and the Rasa actions) for every resident message:
- `screen`: before the message is read — flood, a petugas holding the chat (relay, or MENU/BATAL to
  leave it), an empty message, an idle conversation that starts afresh, a message too long to read.
- `decide`: what it means — a referral link, a photo with no question, thanks and closings (a
  friendly word in any state, never a miss), a change of mind at a free-text question, then the
  engine (global commands, the current step, a new flow by intent), and misunderstanding: one miss
  re-asks with the choices, two offer the menu and *ask* whether to call a petugas. A handoff
  happens only when the resident asks for one or says yes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any, Mapping

from flows import answers, berhenti, referral
from flows.commands import command_of
from flows.dispatch import (
    CONFIDENT, MENU_ASKS, Outcome, Registry, answers_the_question, context_of, dispatch, main_menu, start, switch_flow,
)
from flows.effects import LeaveHandoff, ReferralArrival, RelayToPetugas
from flows.engine import Ask, Say, Turn, choices, say

OFFER_HELP = choices(("petugas", say("opt.yes_petugas")), ("menu", say("opt.menu")), yes="petugas", no="menu")
# At a free-text question (a name, a note) a message this sure of another intent is a change of mind,
# not the answer: "eh gak sido, aku arep usul lampu PJU mati ae" at the name prompt.
SWITCH_AT_FREE_TEXT = 0.5
CHANGE_OF_MIND_WORDS = ("gak sido", "ga sido", "ora sido", "ndak sido", "gak jadi", "ga jadi", "nggak jadi",
                        "tidak jadi", "ndak jadi", "batal", "eh")

# "eh gak sido, " before the new request: not part of what the resident now asks for.
_CHANGE_OF_MIND_LEAD = re.compile(
    r"^\W*(?:eh\W+)?(?:(?:gak|ga|ora|ndak|nggak|tidak)\s+(?:sido|jadi)|batal)\b(?:\s+(?:wis|wes|ae|aja|deh))?[\s,.!]*",
    re.IGNORECASE)


@dataclass(frozen=True)
class Rules:
    """The numbers of the policy (from Settings)."""

    idle_timeout: timedelta = timedelta(minutes=30)
    flood_limit_per_minute: int = 20
    misses_before_offer: int = 2


@dataclass(frozen=True)
class Situation:
    """What the conversation is, as the handler found it before this message."""

    flow: str | None
    state: str | None
    slots: Mapping[str, Any]
    misses: int = 0
    idle_for: timedelta = timedelta(0)
    in_handoff: bool = False
    flood_count: int = 0


@dataclass(frozen=True)
class Message:
    """The message as the policy needs it (before any understanding)."""

    text: str
    too_long: bool = False
    media_url: str | None = None
    location: tuple[float, float] | None = None


@dataclass(frozen=True)
class Screened:
    final: Outcome | None  # the whole answer: do not read the message further
    lead: tuple[Say, ...] = ()  # said before the answer
    situation: Situation | None = None  # as it stands after screening (an idle one starts afresh)


def stay(situation: Situation, replies=(), effects=()) -> Outcome:
    """Answer without moving the conversation."""
    return Outcome(list(replies), situation.flow, situation.state, dict(situation.slots), list(effects),
                   misses=situation.misses)


def screen(registry: Registry, rules: Rules, situation: Situation, message: Message) -> Screened:
    if situation.flood_count > rules.flood_limit_per_minute:
        # One polite answer when the limit is crossed, then silence; everything stays stored.
        first = situation.flood_count == rules.flood_limit_per_minute + 1
        return Screened(stay(situation, [say("menu.slow_down")] if first else []))
    if situation.in_handoff:
        cmd = command_of(message.text)
        if cmd in ("menu", "cancel"):
            # Back to the bot; the petugas is told and the ticket stays open.
            return Screened(replace(main_menu(registry, lead=say("handoff.left")), effects=[LeaveHandoff()]))
        if cmd != "stop":  # BERHENTI always reaches the bot
            return Screened(stay(situation, effects=[RelayToPetugas(text=message.text, media_url=message.media_url,
                                                                   location=message.location)]))
    lead: list[Say] = []
    if message.too_long:
        lead.append(say("menu.too_long"))
    if situation.flow and situation.idle_for > rules.idle_timeout:
        lead.append(say("menu.idle_reset", where=say(f"flow.{situation.flow}"),
                        minutes=int(rules.idle_timeout.total_seconds() // 60)))
        situation = replace(situation, flow=None, state=None, slots={}, misses=0)
    if not message.text and not message.location and not message.media_url:
        return Screened(stay(situation, [*lead, say("menu.empty")]))
    return Screened(None, tuple(lead), situation)


def _ask(registry: Registry, rules: Rules, situation: Situation) -> Ask:
    """What the last question was: the petugas offer, the engine's own, or the flow's."""
    if situation.misses >= rules.misses_before_offer:
        return Ask(OFFER_HELP)
    if situation.flow == "menu":
        return MENU_ASKS.get(situation.state or "", Ask())
    flow = registry.flows.get(situation.flow or "")
    return flow.ask(situation.state) if flow else Ask()


def _takes_yes(ask: Ask) -> bool:
    return ask.yes or (ask.choices is not None and ask.choices.yes is not None)


def closing_reply(ask: Ask, text: str) -> Say | None:
    """Thanks and closings get a short friendly word in any state, and are never a miss. Thanks are
    never an answer ("suwun nggih" is not a yes); a bare "ok"/"nggih" is one where yes is asked."""
    if answers.is_thanks(text):
        return say("menu.thanks")
    if answers.is_closing(text) and not (_takes_yes(ask) and answers.yes_no(text) is not None):
        return say("menu.closing")
    return None


def decide(registry: Registry, rules: Rules, situation: Situation, turn: Turn) -> Outcome:
    kode = referral.desa_kode_in(turn.text)
    if kode:
        desa = turn.facts.desa_by_kode(kode)
        menu = main_menu(registry)
        if desa is None:
            return menu
        return replace(menu, replies=[say("menu.referral", desa=desa.nama), *menu.replies,
                                      say("menu.offer_subscribe", kecamatan=desa.kecamatan)],
                       effects=[ReferralArrival(desa_kode=kode)])
    if not turn.text and turn.media_url and not turn.location and situation.flow in (None, "menu"):
        return main_menu(registry, lead=say("menu.media_received"))

    ask = _ask(registry, rules, situation)
    if situation.misses >= rules.misses_before_offer and not answers.is_none(turn.text):
        # The last question was "shall I call a petugas?": its answer comes first ("ndak onok" is
        # no answer to it, but to the question underneath: not a "no, back to the menu").
        offered = turn.pick(OFFER_HELP)
        if offered == "petugas":
            return replace(start(registry, "petugas", turn, {**context_of(situation.slots),
                                                             "handoff_reason": "tidak_paham"}), misses=0)
        if offered == "menu":
            return main_menu(registry)

    sensitive = _sensitive(registry, situation, turn, ask)
    if sensitive is not None:
        return sensitive

    kindly = closing_reply(ask, turn.text)
    if kindly is not None:
        return stay(situation, [kindly])

    if ask.free_text and command_of(turn.text) is None:
        switched = _change_of_mind(registry, situation, turn)
        if switched is not None:
            return switched

    outcome = dispatch(registry, situation.flow, situation.state, turn)
    if not outcome.understood and situation.flow in registry.flows and command_of(turn.text) is None:
        # The step could not use it: a change of mind the engine was not sure enough of alone?
        outcome = _change_of_mind(registry, situation, turn) or outcome
    if outcome.understood:
        return replace(outcome, misses=0)
    misses = situation.misses + 1
    if misses >= rules.misses_before_offer:
        # Keep the resident's place: a valid answer to the last question still works. Offered
        # again, the question's own hint comes back with a short reminder of the offer (the same
        # apology word for word reads like a machine stuck) — unless the hint has numbered options
        # of its own: one numbered list per message, or "1" would mean two things.
        if misses == rules.misses_before_offer:
            return replace(outcome, replies=[say("menu.offer_petugas", options=OFFER_HELP.labels())], misses=misses)
        hint = [] if any(_has_options(r) for r in outcome.replies) else list(outcome.replies)
        return replace(outcome, replies=[*hint, say("menu.offer_petugas_again", options=OFFER_HELP.labels())],
                       misses=misses)
    return replace(outcome, misses=misses)


def _sensitive(registry: Registry, situation: Situation, turn: Turn, ask: Ask) -> Outcome | None:
    """Read by meaning before anything else may take the words: an erasure request starts HAPUS
    DATA (its confirmation), a question how to forward a reminder gets the forwarding help. Never
    while the message answers the question asked (a pick of its choices)."""
    if situation.flow in ("hapus_data", "berhenti") or (ask.choices is not None and turn.pick(ask.choices)):
        return None
    if berhenti.erasure(turn.text):
        return replace(start(registry, "hapus_data", turn, {}), misses=0)
    if not ask.free_text and berhenti.forwarding(turn.text):
        return replace(stay(situation, [say("berhenti.forwarding")]), misses=0)
    return None


def _has_options(reply: Say) -> bool:
    return any(isinstance(v, list) for v in reply.params.values())


def _change_of_mind(registry: Registry, situation: Situation, turn: Turn) -> Outcome | None:
    target = registry.by_intent.get(turn.intent)
    if target is None or target == situation.flow or turn.choice is not None or len(answers.words(turn.text)) < 3:
        return None
    if answers_the_question(turn.text):
        return None
    norm = " ".join(answers.words(turn.text))
    said_so = any(f" {w} " in f" {norm} " for w in CHANGE_OF_MIND_WORDS)
    if turn.confidence < (SWITCH_AT_FREE_TEXT if said_so or turn.entities else CONFIDENT):
        return None
    if said_so:  # "gak sido": the resident said they leave it; nothing to ask
        rest = _CHANGE_OF_MIND_LEAD.sub("", turn.text).strip()
        inner = start(registry, target, replace(turn, text=rest or turn.text), context_of(turn.slots))
        return replace(inner, replies=[say("menu.left_flow", leaving=say(f"flow.{situation.flow}")), *inner.replies])
    return switch_flow(registry, situation.flow, situation.state, turn, target)
