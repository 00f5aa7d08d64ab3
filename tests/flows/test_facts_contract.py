"""The Facts protocol is what flows may ask; the database's answers (DbFacts) and the tests' fake
must offer exactly those questions with the same parameters, so the protocol cannot drift again."""

import inspect

import pytest

from flows.engine import Facts
from handlers.facts import DbFacts
from tests.flows.fakes import FakeFacts

QUESTIONS = [name for name, member in vars(Facts).items() if callable(member) and not name.startswith("_")]


@pytest.mark.parametrize("implementation", [DbFacts, FakeFacts])
@pytest.mark.parametrize("name", QUESTIONS)
def test_every_question_is_answered_with_the_same_parameters(implementation, name):
    declared = list(inspect.signature(getattr(Facts, name)).parameters)
    answered = list(inspect.signature(getattr(implementation, name)).parameters)
    assert answered == declared, f"{implementation.__name__}.{name}{answered} ≠ Facts.{name}{declared}"


def test_the_protocol_names_every_question_flows_ask():
    import pathlib
    import re

    asked = set()
    for path in pathlib.Path(__file__).resolve().parents[2].joinpath("flows").glob("*.py"):
        asked |= set(re.findall(r"facts\.(\w+)\(", path.read_text(encoding="utf-8")))
    assert asked <= set(QUESTIONS), asked - set(QUESTIONS)
