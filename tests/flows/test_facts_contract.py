"""The Facts protocol is what flows may ask, answered with the frozen views of flows/facts.py. The
database's answers (DbFacts) and the tests' fake must offer exactly those questions with the same
parameters and answer types, and no flow may read a fact as a dict, so the boundary cannot drift
back to untyped mappings."""

import ast
import dataclasses
import pathlib
import re
import typing
from types import NoneType, UnionType

import pytest

from flows import facts as views
from flows.facts import QUESTIONS, Facts, mismatches
from handlers.facts import DbFacts, FactsMismatch, check
from storage.models import ProposalStatus, QueueStatus, TicketStatus, VisitStatus
from tests.flows.fakes import FakeFacts

ROOT = pathlib.Path(__file__).resolve().parents[2]
# What reads facts: the flows and the Rasa actions (which call the same flow functions).
READERS = sorted(p for folder in (ROOT / "flows", ROOT / "handlers" / "rasa_actions") for p in folder.glob("*.py")
                 if p != ROOT / "flows" / "facts.py")  # it defines the views, reads none
# The views of flows/facts.py and the shared records it re-exports (records/: a dinas, a requirement, a desa).
VIEWS = [c for c in vars(views).values() if dataclasses.is_dataclass(c) and c.__module__ in (views.__name__, "records")]


@pytest.mark.parametrize("implementation", [DbFacts, FakeFacts])
def test_every_question_is_answered_with_the_same_parameters_and_views(implementation):
    assert mismatches(implementation) == []


def test_the_start_up_check_refuses_an_answer_that_drifted():
    check()  # what core/runtime.py runs before the first message

    class Drifted(DbFacts):
        def visit(self, visit_id: int) -> dict:  # a dict again
            return {}

        def layanan(self, kunci: str) -> views.LayananView | None:  # another parameter name
            return None

    found = mismatches(Drifted)
    assert len(found) == 2 and "Drifted.visit answers" in found[0] and "kunci" in found[1]
    with pytest.raises(FactsMismatch, match="Drifted.visit"):
        check(Drifted)


def _leaves(hint) -> set[type]:
    """The classes a return annotation is made of (Sequence[X] | None → {X, NoneType})."""
    args = typing.get_args(hint)
    origin = typing.get_origin(hint)
    if origin in (typing.Union, UnionType):
        return set().union(*(_leaves(a) for a in args))
    if origin is not None:
        assert origin in (tuple, typing.Sequence.__origin__), f"{hint}: a view, a sequence of views, or None"
        return set().union(*(_leaves(a) for a in args if a is not Ellipsis))
    return {hint}


@pytest.mark.parametrize("name", QUESTIONS)
def test_every_answer_is_a_frozen_view_or_a_plain_value(name):
    answer = typing.get_type_hints(getattr(Facts, name))["return"]
    for leaf in _leaves(answer):
        assert leaf in (str, NoneType) or leaf in VIEWS, f"Facts.{name} answers {answer}: {leaf} is no view"


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.__name__)
def test_every_view_is_frozen_all_the_way_down(view):
    """A view cannot be changed by a flow, and holds no dict or list that could be."""
    assert view.__dataclass_params__.frozen
    for f in dataclasses.fields(view):
        shown = str(typing.get_type_hints(view)[f.name])
        assert not re.search(r"\b(dict|list|Mapping|Sequence)\b", shown), f"{view.__name__}.{f.name}: {shown}"


@pytest.mark.parametrize("literal, enum", [
    (views.VisitState, VisitStatus), (views.TicketState, TicketStatus), (views.ProposalState, ProposalStatus),
    (views.PlaceState, QueueStatus),
])
def test_status_values_are_the_storage_enums(literal, enum):
    """The handler passes the enum members (StrEnum); flows compare against these strings."""
    assert set(typing.get_args(literal)) == {s.value for s in enum}


def test_the_protocol_names_every_question_flows_ask():
    asked = set()
    for path in READERS:
        asked |= set(re.findall(r"facts\.(\w+)\(", path.read_text(encoding="utf-8")))
    assert asked <= set(QUESTIONS), asked - set(QUESTIONS)


# Mappings a flow may read by key: the conversation's slots (and a saved flow's, in `resume`), the
# recogniser's entities, and, in a Rasa action, Rasa's message and events and the results a handler's effects
# return, and the action server's HTTP headers. A fact is a view: read by attribute.
KEYED = {"slots", "entities", "carried", "resume", "results", "latest_message", "rasa_event", "headers",
         "metadata"}  # metadata: what Rasa passes on with a message (Twilio's form fields)


def _keyed(node: ast.expr) -> bool:
    if isinstance(node, ast.BoolOp):  # (tracker.latest_message or {})
        return _keyed(node.values[0])
    name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else None
    return name in KEYED


def test_no_flow_reads_a_fact_by_key():
    found = []
    for path in READERS:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) \
                    and isinstance(node.slice.value, str):
                subject = node.value
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" \
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                subject = node.func.value
            else:
                continue
            if not _keyed(subject):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {ast.unparse(node)}")
    assert not found, "read by attribute (flows/facts.py), or add the mapping to KEYED:\n" + "\n".join(found)
