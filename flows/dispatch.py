"""Route one message: global commands first, then the current flow's step, then a new flow by intent.

Pure: returns an `Outcome` for the handler to apply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Mapping, Sequence

from flows.engine import Ask, Effect, Flow, Say, Step, Turn, choices, say
from flows.effects import SurveysOn
from flows.nlu.results import OUT_OF_SCOPE

from flows import answers, berhenti
from flows.commands import (  # noqa: F401  (handlers/handoff/relay.py reads STOP_WORDS and normalise_command here)
    STOP_WORDS, command_of, normalise_command,
)

CONFIDENT = 0.6
URGENT = 0.9
URGENT_INTENTS = ("berhenti", "petugas")
DID_YOU_MEAN = choices(("yes", say("opt.yes")), ("no", say("opt.no_menu")), yes="yes", no="no")
LEAVE_FLOW = choices(("leave", say("opt.leave_flow")), ("stay", say("opt.stay_in_flow")), yes="leave", no="stay")
# The engine's own questions (flow "menu"), declared like a flow's.
MENU_ASKS = {"confirm_intent": Ask(DID_YOU_MEAN), "confirm_leave": Ask(LEAVE_FLOW)}
# What a conversation knows that the next flow may use: "kapan ke bangil" then "daftar" is for Bangil.
CONTEXT_SLOTS = ("kecamatan", "layanan", "visit_id")
# Named in the message that starts a flow and kept for the next one (two requests in one message).
NAMED_CONTEXT = ("layanan",)


# At "… Beralih ke X? 1. Ya, beralih 2. Tidak, lanjutkan yang tadi": the earlier one, in residents' words.
_RESUME = re.compile(
    r"\b(?:lanjut\w*|terus\w*|nerus\w*|neruske|teruske|balik|kembali|wangsul)\b(?!\s+(?:yang|sing|ingkang)\s+(?:baru|anyar|enggal))|"
    r"\b(?:sing|seng|ingkang|yang|yg|se)\s+(?:mau|wau|tadi|td|sakdurunge|sebelumnya|gellu|ghellu)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Outcome:
    replies: Sequence[Say]
    flow: str | None
    state: str | None
    slots: Mapping[str, Any]
    effects: Sequence[Effect] = ()
    understood: bool = True
    misses: int = 0  # messages in a row not understood, for the conversation to remember


@dataclass(frozen=True)
class Registry:
    flows: Mapping[str, Flow]
    menu: Sequence[str]  # flow names in main-menu order
    by_intent: Mapping[str, str] = field(default_factory=dict)

    def menu_lines(self) -> list[Say]:
        return [say(self.flows[name].menu_label) for name in self.menu]

    def check_step(self, flow_name: str, step: Step) -> None:
        """A step may only emit what its flow declared (so the start-up check covers it)."""
        flow = self.flows[flow_name]
        for eff in step.effects:
            if type(eff) not in flow.effects:
                raise ValueError(f"flow {flow_name!r} emitted undeclared effect {eff.name}")
        if step.switch_to and step.switch_to not in flow.switches:
            raise ValueError(f"flow {flow_name!r} switched to undeclared {step.switch_to!r}")


def main_menu(registry: Registry, *, greeting: Say | None = None, lead: Say | None = None) -> Outcome:
    replies = [r for r in (greeting, lead) if r is not None]
    replies.append(say("menu.main", options=registry.menu_lines()))
    return Outcome(replies, flow="menu", state="choose", slots={})


def _finish(registry: Registry, flow_name: str, step: Step, turn: Turn, carried: Mapping[str, Any]) -> Outcome:
    registry.check_step(flow_name, step)
    slots = {**carried, **step.slots}
    if step.switch_to == "menu":
        inner = main_menu(registry)
        return replace(inner, replies=[*step.replies, *inner.replies], effects=step.effects)
    if step.switch_to:
        target = registry.flows[step.switch_to]
        nxt = target.start(replace(turn, slots=slots))
        inner = _finish(registry, target.name, nxt, replace(turn, slots=slots), slots)
        return replace(inner, replies=[*step.replies, *inner.replies], effects=[*step.effects, *inner.effects])
    if step.next_state is None:
        return Outcome(step.replies, None, None, {}, step.effects)
    if step.next_state not in registry.flows[flow_name].steps:
        raise ValueError(f"flow {flow_name!r} moved to unknown state {step.next_state!r}")
    return Outcome(step.replies, flow_name, step.next_state, slots, step.effects)


def _start(registry: Registry, flow_name: str, turn: Turn) -> Outcome:
    return start(registry, flow_name, turn, {})


def start(registry: Registry, flow_name: str, turn: Turn, carried: Mapping[str, Any]) -> Outcome:
    """Start a flow on this message, with what the conversation carried over from the last one, and
    a service the message named: "mau daftar ktp, ke bangil kapan?" is answered with Bangil's visit and
    its "1. Daftar layanan" then registers the KTP, instead of asking the service again."""
    flow = registry.flows[flow_name]
    carried = {**carried, **{k: turn.entities[k] for k in NAMED_CONTEXT if turn.entities.get(k)}}
    fresh = replace(turn, slots=dict(carried))
    return _finish(registry, flow_name, flow.start(fresh), fresh, carried)


def context_of(slots: Mapping[str, Any]) -> dict[str, Any]:
    return {k: slots[k] for k in CONTEXT_SLOTS if slots.get(k)}


def answers_the_question(text: str) -> bool:
    """Words that answer the question asked, never a new request, however sure the recogniser is of
    an intent: one word ("gempol" at the date question), a skip or a no ("mboten wonten", "ndak
    onok" at the desa question read as a schedule question)."""
    return len(answers.words(text)) < 2 or answers.is_skip(text) or answers.yes_no(text) is False


def names_flow(flow: Flow, text: str) -> bool:
    """The message is one of the flow's own keywords ("status" typed at the desa question)."""
    return " ".join(answers.words(text)) in flow.keywords


def leaves_something(flow: Flow) -> bool:
    """Whether leaving this flow mid-way loses anything: a flow that only informs (the schedule: no
    effects, nothing typed) has nothing to leave behind, so switching from it needs no "… tadi saya
    tinggalkan" — its follow-up choices ("1. Daftar 2. Ingatkan saya") are offers, not work."""
    return bool(flow.effects or flow.typed)


def switch_flow(registry: Registry, leaving: str, state: str | None, turn: Turn, target: str) -> Outcome:
    """A change of mind mid-flow: start `target` with the context carried over, saying what was left
    (when anything was); when the resident had typed something that would be lost, ask first."""
    flow = registry.flows[leaving]
    if any(turn.slots.get(k) for k in flow.typed):
        return Outcome([say("menu.confirm_leave", leaving=say(f"flow.{leaving}"),
                            going=say(registry.flows[target].menu_label or f"flow.{target}"),  # off the menu: its name
                            options=LEAVE_FLOW.labels())],
                       "menu", "confirm_leave",
                       {"resume": {"flow": leaving, "state": state, "slots": dict(turn.slots)},
                        "switch_to": target, "switch_text": turn.text})
    inner = start(registry, target, turn, context_of(turn.slots))
    if not leaves_something(flow):
        return inner
    return replace(inner, replies=[say("menu.left_flow", leaving=left_flow_say(leaving, turn)), *inner.replies])


# Flows whose "left" note says a ticket already held stays: said so only to a resident who holds one.
_LEFT_WITH_TICKET_NOTE = frozenset({"layanan"})


def left_flow_say(flow: str, turn: Turn) -> Say:
    """What leaving `flow` mid-way left undone ("… tidak saya lanjutkan"); "Tiket yang sudah ada tetap berlaku" only
    when the resident holds a ticket (told to one without any, it puzzled them)."""
    if flow in _LEFT_WITH_TICKET_NOTE and not turn.facts.own_tickets():
        return say(f"flow.{flow}.left_no_ticket")
    return say(f"flow.{flow}.left")


def enter(registry: Registry, flow_name: str, slots: Mapping[str, Any]) -> Outcome:
    """A flow entered from outside a resident's message (declared with `enter`)."""
    flow = registry.flows[flow_name]
    if flow.enter is None:
        raise ValueError(f"flow {flow_name!r} cannot be entered from outside")
    step = flow.enter(slots)
    registry.check_step(flow_name, step)
    if step.next_state is not None and step.next_state not in flow.steps:
        raise ValueError(f"flow {flow_name!r} entered at unknown state {step.next_state!r}")
    return Outcome(step.replies, flow_name if step.next_state else None, step.next_state, dict(step.slots),
                   step.effects)


def _global(registry: Registry, flow: str | None, turn: Turn) -> Outcome | None:
    cmd = command_of(turn.text)
    if cmd == "menu":
        return main_menu(registry)
    if cmd == "cancel" and (turn.slots.get("editing") or turn.slots.get("undo_visit")) and flow in registry.flows:
        # "gak jadi" while one answer is changed at a summary, or right after a date changed in one step: the
        # change is dropped (the flow's step), not the registration
        return None
    if cmd == "cancel":
        lead = say("menu.cancelled") if flow not in (None, "menu") else None
        return main_menu(registry, lead=lead)
    if cmd == "stop":  # one kecamatan or "semua": all at once; several: asked which (flows/langganan.py)
        return start(registry, "langganan", turn, {"stopping": True})
    if cmd == "start":
        started = _start(registry, "langganan", replace(turn, intent="langganan"))
        if turn.resident.surveys_off:  # after "gak usah kirim survei": MULAI turns them on again, and says so
            return replace(started, replies=[say("berhenti.surveys_on"), *started.replies],
                           effects=[SurveysOn(), *started.effects])
        return started
    if cmd == "human":  # to the dinas of the service in context ("… KK?" answered, then PETUGAS)
        return start(registry, "petugas", turn, context_of(turn.slots))
    if cmd == "erase":
        return _start(registry, "hapus_data", turn)
    return None


def _option_said(registry: Registry, flow: str | None, state: str | None, turn: Turn) -> bool:
    """BATAL's words naming an option of the question asked ("batalkan" at "1. Pindah ke jadwal lain 2. Batalkan
    tiket 3. Tidak, tetap datang"): that option, never the global command. By the option's own words only (a yes/no
    reading of "batal" is no option)."""
    current = registry.flows.get(flow or "")
    if current is None or turn.choice is not None or command_of(turn.text) != "cancel":
        return False
    ask = current.ask(state)
    return ask.choices is not None and turn.pick_index(ask.choices.labels()) is not None


def dispatch(registry: Registry, flow: str | None, state: str | None, turn: Turn) -> Outcome:
    handled = None if _option_said(registry, flow, state, turn) else _global(registry, flow, turn)
    if handled is not None:
        return handled

    if flow == "menu" and state == "confirm_intent":
        target = turn.slots.get("intent_flow")
        answer = turn.pick(DID_YOU_MEAN)
        if answer == "yes" and target in registry.flows:
            return _start(registry, target, turn)
        if answer == "no":
            return main_menu(registry)

    if flow == "menu" and state == "confirm_leave":
        # "terusno sing mau", "nerusaken ingkang wau", "sing mau wae" ("mau" is "earlier" here, not "want"): stay.
        answer = "stay" if turn.choice is None and _RESUME.search(turn.text or "") else turn.pick(LEAVE_FLOW)
        resume = turn.slots.get("resume") or {}
        if answer == "leave" and turn.slots.get("switch_to") in registry.flows:
            text = turn.slots.get("switch_text") or ""
            again = turn.nlu.understand(text)
            asked = replace(turn, text=text, intent=again.intent, entities=dict(again.entities),
                            confidence=again.confidence, slots=resume.get("slots") or {})
            return start(registry, turn.slots["switch_to"], asked, context_of(asked.slots))
        if answer == "stay" and resume.get("flow") in registry.flows:
            return Outcome([say("menu.resumed", where=say(f"flow.{resume['flow']}"))], resume["flow"],
                           resume.get("state"), resume.get("slots") or {})

    if flow == "menu" and state == "choose":
        if turn.choice is not None and not 1 <= turn.choice <= len(registry.menu):
            return main_menu(registry, lead=say("menu.invalid_choice", n=len(registry.menu)))
        # A confident intent ("kapan ke bangil") says more than the menu words it shares.
        sure = turn.confidence >= CONFIDENT and turn.intent in registry.by_intent
        i = turn.pick_index(registry.menu_lines()) if turn.choice is not None or not sure else None
        if i is not None:
            return _start(registry, registry.menu[i], turn)

    if flow in registry.flows and state in registry.flows[flow].steps:
        asked = registry.flows[flow].ask(state).choices
        answered = asked is not None and turn.pick(asked) is not None  # "Ya, hapus data saya" picks option 1
        # "nggak usah", "ora ono", "lewati" answer the question (or fail to); they are never an opt-out or a
        # new request, however sure the recogniser is ("gak usah" alone reads as berhenti).
        declined = answers.is_skip(turn.text)
        step = None
        if (turn.intent in URGENT_INTENTS and turn.confidence >= URGENT and turn.choice is None and not answered
                and not declined):
            if asked is not None and answers.opens_with_yes(turn.text) is not None:
                # "nggih, nanging mboten usah dipun engetaken" at a summary: a yes first — the flow's own step
                # reads it (a yes that only declines reminders), and only what it cannot read is urgent.
                step = registry.flows[flow].steps[state](turn)
                if not step.unhandled:
                    return _finish(registry, flow, step, turn, turn.slots)
            # "ojok kirim pesen maneh" mid-flow is not an answer to the question.
            urgent = _confident_intent(registry, turn, leaving=(flow, state))
            if urgent is not None:
                return urgent
        step = step or registry.flows[flow].steps[state](turn)
        if not step.unhandled:
            return _finish(registry, flow, step, turn, turn.slots)
        switched = (_confident_intent(registry, turn, leaving=(flow, state))
                    if turn.choice is None and not declined and registry.by_intent.get(turn.intent) != flow
                    else None)
        if switched is not None:
            return switched
        if answers.is_never_mind(turn.text) and not registry.flows[flow].ask(state).optional:
            # "nggak usah" where the flow cannot go on without an answer: the resident drops it.
            return main_menu(registry, lead=say("menu.cancelled"))
        # Keep the resident where they were and repeat the question.
        return replace(_finish(registry, flow, step, turn, turn.slots), understood=False)

    return by_intent(registry, turn)


def _confident_intent(registry: Registry, turn: Turn, leaving: tuple[str, str] | None = None) -> Outcome | None:
    if turn.confidence < CONFIDENT:
        return None
    target = registry.by_intent.get(turn.intent)  # berhenti: flows/berhenti.py stops only when said clearly
    if not target:
        return None
    if turn.intent == "berhenti" and berhenti.clear_stop(turn.text):
        return start(registry, target, turn, {})  # "ojok kirim pesen maneh" is never an answer gone wrong
    if leaving is not None and answers_the_question(turn.text) and not names_flow(registry.flows[target], turn.text):
        return None  # an answer gone wrong ("gempol" at the date question, "ndak onok"), not a new request
    if turn.intent == "petugas" or (leaving is not None and turn.intent in URGENT_INTENTS):
        return start(registry, target, turn, context_of(turn.slots))  # a person, at once, with the context
    if leaving is not None and target != leaving[0]:
        return switch_flow(registry, *leaving, turn, target)
    # From no flow, what the last answer was about is carried ("KTP kula saged diwakilaken?" answered,
    # then "nggih, daftaraken kula" registers the KTP).
    return start(registry, target, turn, context_of(turn.slots) if leaving is None else {})


def by_intent(registry: Registry, turn: Turn) -> Outcome:
    if turn.intent == "sapaan":
        return main_menu(registry, greeting=say("menu.greeting", name=turn.resident.name or "Bapak/Ibu"))
    if turn.intent == "bantuan":
        # Free-text help ("iki nomer opo?", "Kenduren Mas itu apa?") also asks what the programme is.
        return main_menu(registry, lead=say("menu.about"))
    switched = _confident_intent(registry, turn)
    if switched is not None:
        return switched
    target = registry.by_intent.get(turn.intent)
    if target:
        # Unsure: ask back instead of guessing.
        return Outcome([say("menu.did_you_mean", what=say(registry.flows[target].menu_label), options=DID_YOU_MEAN.labels())],
                       "menu", "confirm_intent", {"intent_flow": target})
    outcome = main_menu(registry, lead=say("menu.not_understood"))
    return replace(outcome, understood=False)


def intent_of(registry: Registry, text: str, understood: tuple[str, float] | None,
              location: tuple[float, float] | None) -> tuple[str, float]:
    """The intent a message enters with: the recogniser's (`understood`: intent, confidence); without
    words, a location is the question of the flow declared `on_location`; then each flow's own
    `reads_intent` rule may read it as that flow's."""
    if understood is not None:
        intent, confidence = understood
    else:
        located = next((f for f in registry.flows.values() if f.on_location), None) if location else None
        intent, confidence = (located.entry_intents[0], 1.0) if located else (OUT_OF_SCOPE, 0.0)
    for flow in registry.flows.values():
        if flow.reads_intent is not None:
            intent, confidence = flow.reads_intent(text, intent, confidence)
    return intent, confidence
