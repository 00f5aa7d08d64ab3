"""The intent a message enters with is decided in flows/ (flows.dispatch.intent_of), from what the
flows declare: a location alone is the `on_location` flow's question, and a flow's own `reads_intent`
rule (the queue's check-in words) may read a message as its intent."""

from dataclasses import replace

import pytest

from flows import ALL_FLOWS, RegistryError, build_registry, jadwal
from flows.dispatch import intent_of

REGISTRY = build_registry()


def test_a_location_without_words_is_a_schedule_question():
    assert intent_of(REGISTRY, "", None, (-7.56, 112.7)) == ("jadwal", 1.0)
    assert intent_of(REGISTRY, "", None, None) == ("diluar_topik", 0.0)


def test_the_recognisers_intent_stands_unless_a_flows_rule_reads_the_message():
    assert intent_of(REGISTRY, "kapan ke gempol", ("jadwal", 0.9), None) == ("jadwal", 0.9)
    intent, confidence = intent_of(REGISTRY, "aku wis teko", ("diluar_topik", 0.2), None)
    assert intent == "antrean" and confidence >= 0.2


def test_only_one_flow_may_take_a_bare_location():
    twice = tuple(replace(f, on_location=True) if f.name == "usulan" else f for f in ALL_FLOWS)
    assert jadwal.FLOW.on_location
    with pytest.raises(RegistryError, match="location"):
        build_registry(twice)
