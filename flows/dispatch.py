"""Route one message: global commands first, then the current flow's step, then a new flow by intent.

Pure: returns an `Outcome` for the handler to apply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Mapping, Sequence

from flows.effects import OptOut
from flows.engine import Effect, Flow, Say, Step, Turn, choices, say

# Exact commands that work in every state (after normalising case and punctuation).
MENU_WORDS = {"menu", "menu utama", "kembali", "home", "0"}
CANCEL_WORDS = {"batal", "batalkan", "cancel", "gak jadi", "ga jadi", "nggak jadi", "ora sido", "gak sido", "ndak jadi"}
STOP_WORDS = {"berhenti", "stop", "unsubscribe", "unreg", "stop pengingat", "berhenti langganan", "cukup"}
START_WORDS = {"mulai", "start", "subscribe", "mulai lagi"}
HUMAN_WORDS = {"petugas", "operator", "cs", "admin manusia"}
HELP_WORDS = {"bantuan", "help", "tolong", "?"}
ERASE_WORDS = {"hapus data saya", "hapus data", "hapus dataku", "hapus data pribadi"}
CONFIDENT = 0.6
URGENT = 0.9
URGENT_INTENTS = ("berhenti", "petugas")
DID_YOU_MEAN = choices(("yes", say("opt.yes")), ("no", say("opt.no_menu")), yes="yes", no="no")


def normalise_command(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s?]", " ", text.casefold())).strip()


@dataclass(frozen=True)
class Outcome:
    replies: Sequence[Say]
    flow: str | None
    state: str | None
    slots: Mapping[str, Any]
    effects: Sequence[Effect] = ()
    understood: bool = True


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
    flow = registry.flows[flow_name]
    fresh = replace(turn, slots={})
    return _finish(registry, flow_name, flow.start(fresh), fresh, {})


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
    cmd = normalise_command(turn.text)
    if cmd in MENU_WORDS or cmd in HELP_WORDS:
        return main_menu(registry)
    if cmd in CANCEL_WORDS:
        lead = say("menu.cancelled") if flow not in (None, "menu") else None
        return main_menu(registry, lead=lead)
    if cmd in STOP_WORDS:
        return Outcome([say("langganan.stopped")], None, None, {}, [OptOut()])
    if cmd in START_WORDS:
        return _start(registry, "langganan", replace(turn, intent="langganan"))
    if cmd in HUMAN_WORDS:
        return _start(registry, "petugas", turn)
    if cmd in ERASE_WORDS:
        return _start(registry, "hapus_data", turn)
    return None


def dispatch(registry: Registry, flow: str | None, state: str | None, turn: Turn) -> Outcome:
    handled = _global(registry, flow, turn)
    if handled is not None:
        return handled

    if flow == "menu" and state == "confirm_intent":
        target = turn.slots.get("intent_flow")
        answer = turn.pick(DID_YOU_MEAN)
        if answer == "yes" and target in registry.flows:
            return _start(registry, target, turn)
        if answer == "no":
            return main_menu(registry)

    if flow == "menu" and state == "choose":
        if turn.choice is not None and not 1 <= turn.choice <= len(registry.menu):
            return main_menu(registry, lead=say("menu.invalid_choice", n=len(registry.menu)))
        # A confident intent ("kapan ke bangil") says more than the menu words it shares.
        sure = turn.confidence >= CONFIDENT and turn.intent in registry.by_intent
        i = turn.pick_index(registry.menu_lines()) if turn.choice is not None or not sure else None
        if i is not None:
            return _start(registry, registry.menu[i], turn)

    if flow in registry.flows and state in registry.flows[flow].steps:
        if turn.intent in URGENT_INTENTS and turn.confidence >= URGENT and turn.choice is None:
            # "ojok kirim pesen maneh" mid-flow is not an answer to the question.
            return _confident_intent(registry, turn)
        step = registry.flows[flow].steps[state](turn)
        if not step.unhandled:
            return _finish(registry, flow, step, turn, turn.slots)
        switched = (_confident_intent(registry, turn)
                    if turn.choice is None and registry.by_intent.get(turn.intent) != flow else None)
        if switched is not None:
            return switched
        # Keep the resident where they were and repeat the question.
        return replace(_finish(registry, flow, step, turn, turn.slots), understood=False)

    return by_intent(registry, turn)


def _confident_intent(registry: Registry, turn: Turn) -> Outcome | None:
    if turn.confidence < CONFIDENT:
        return None
    if turn.intent == "berhenti":
        return Outcome([say("langganan.stopped")], None, None, {}, [OptOut()])
    target = registry.by_intent.get(turn.intent)
    return _start(registry, target, turn) if target else None


def by_intent(registry: Registry, turn: Turn) -> Outcome:
    if turn.intent == "sapaan":
        return main_menu(registry, greeting=say("menu.greeting", name=turn.resident.name or "Bapak/Ibu"))
    if turn.intent == "bantuan":
        return main_menu(registry)
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

