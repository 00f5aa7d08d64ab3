"""Conversation flows. The registry below is the one list of flows; it is checked at start-up.

Adding a flow: write one module with a `FLOW`, list it here, add its texts to the catalogue.
"""

from __future__ import annotations

from flows import antrean, berhenti, hapus_data, jadwal, langganan, layanan, petugas, status, survei, tiket, usulan
from flows.dispatch import Registry
from flows.engine import Flow
from flows.nlu.results import INTENTS  # the recogniser's intents: a flow may enter on any of them

ALL_FLOWS: tuple[Flow, ...] = (
    jadwal.FLOW, layanan.FLOW, usulan.FLOW, status.FLOW, langganan.FLOW, petugas.FLOW,
    hapus_data.FLOW, survei.FLOW, antrean.FLOW, berhenti.FLOW, tiket.FLOW,
)
MAIN_MENU = ("jadwal", "layanan", "usulan", "status", "langganan", "petugas")
RESERVED = {"menu"}  # handled by the dispatcher itself


class RegistryError(ValueError):
    pass


def build_registry(flows: tuple[Flow, ...] = ALL_FLOWS, menu: tuple[str, ...] = MAIN_MENU) -> Registry:
    """Check the declaration: unique names, one flow per intent, known intents, menu entries exist."""
    by_name: dict[str, Flow] = {}
    by_intent: dict[str, str] = {}
    for flow in flows:
        if flow.name in by_name or flow.name in RESERVED:
            raise RegistryError(f"duplicate or reserved flow name {flow.name!r}")
        by_name[flow.name] = flow
        if flow.entry_intents and flow.menu_label is None:
            # An unsure intent is asked back as "Maksudnya <label>?": a flow entered by intent needs its label.
            raise RegistryError(f"flow {flow.name!r} enters on an intent but has no menu label")
        for intent in flow.entry_intents:
            if intent not in INTENTS:
                raise RegistryError(f"flow {flow.name!r} enters on unknown intent {intent!r}")
            if intent in by_intent:
                raise RegistryError(f"intent {intent!r} enters both {by_intent[intent]!r} and {flow.name!r}")
            by_intent[intent] = flow.name
        for state, fn in flow.steps.items():
            if not callable(fn):
                raise RegistryError(f"flow {flow.name!r} state {state!r} has no step function")
        for state in flow.asks:
            if state not in flow.steps:
                raise RegistryError(f"flow {flow.name!r} declares a question for unknown state {state!r}")
    located = [flow.name for flow in flows if flow.on_location]
    if len(located) > 1 or any(not by_name[name].entry_intents for name in located):
        raise RegistryError(f"a location alone may start one flow with an entry intent, not {located}")
    for name in menu:
        if name not in by_name or by_name[name].menu_label is None:
            raise RegistryError(f"main menu names {name!r}, which is not a flow with a menu label")
    keyword_of: dict[str, str] = {}
    for flow in flows:
        for word in flow.keywords:
            if word in keyword_of:
                raise RegistryError(f"keyword {word!r} names both {keyword_of[word]!r} and {flow.name!r}")
            keyword_of[word] = flow.name
    for flow in flows:
        for target in flow.switches:
            if target not in by_name and target not in RESERVED:
                raise RegistryError(f"flow {flow.name!r} may switch to {target!r}, which is no flow")
    return Registry(flows=by_name, menu=menu, by_intent=by_intent)
