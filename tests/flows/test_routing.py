"""The two pure rules around passing a chat to another dinas: which dinas a petugas names
(flows/dinas.py), and when a helpdesk chat goes to the dinas its first words name (flows/routing.py)."""

from __future__ import annotations

import pytest

from flows.dinas import candidates
from flows.facts import OpdRef
from flows.routing import FIRST_MESSAGES, HELPDESK, ChatSoFar, may_route, named_dinas, route_to
from storage import reference

DINAS = list(reference.opd())


@pytest.mark.parametrize("typed, recognised, expected", [
    # exact key, abbreviation or official name, in any case
    ("dinsos", None, ["dinsos"]), ("Dinas Sosial", None, ["dinsos"]), ("DISPENDUKCAPIL", None, ["dispendukcapil"]),
    ("dinas kb dan pp", None, ["dkbpp"]), ("BPBD", None, ["bpbd"]),
    # the recogniser's reading (flows/nlu/data/entitas.tsv) before any loose match
    ("dispenduk", "dispendukcapil", ["dispendukcapil"]), ("capil", "dispendukcapil", ["dispendukcapil"]),
    ("rsud", "dinkes", ["dinkes"]), ("bansos", "dinsos", ["dinsos"]),
    # the official names' own words, loosely; generic words alone name nothing
    ("kesehatan", None, ["dinkes"]), ("sosial", None, ["dinsos"]), ("dinas pertanian", None, ["dispertan"]),
    ("pendidikan", None, ["dispendik"]), ("tenaga kerja", None, ["disnaker"]), ("dinsoss", None, ["dinsos"]),
    ("palang merah", None, ["pmi"]),
    ("dinas", None, []), ("", None, []), ("dinas pu", None, []), ("helpdesk", None, []),
    # every word must be the dinas' own: animal health is not Dinas Kesehatan
    ("sosial kesehatan", None, []),
    # the livestock dinas is DPKH (Dinas Peternakan dan Kesehatan Hewan); "kesehatan" alone stays Dinkes
    ("kesehatan hewan", None, ["dpkp"]), ("DPKH", None, ["dpkp"]), ("peternakan", None, ["dpkp"]),
    ("dinas peternakan dan kesehatan hewan", None, ["dpkp"]),
    # a reading of a key that is not a dinas here counts for nothing
    ("sosial", "dinas_lain", ["dinsos"]),
])
def test_which_dinas_is_named(typed, recognised, expected):
    assert candidates(typed, DINAS, recognised) == expected


def test_a_word_two_dinas_share_is_a_question_not_a_guess():
    two = [OpdRef("dinkes", "Dinas Kesehatan", "Dinas Kesehatan"), OpdRef("rsud", "RSUD", "Kesehatan RSUD Bangil")]
    assert candidates("kesehatan", two) == ["dinkes", "rsud"]


def test_a_shared_word_names_the_dinas_whose_name_it_heads():
    two = [OpdRef("dinkes", "Dinas Kesehatan", "Dinas Kesehatan"), OpdRef("dpkp", "DPKH", "Dinas Peternakan dan Kesehatan Hewan")]
    assert candidates("kesehatan", two) == ["dinkes"]


LAYANAN = {lay.key: lay.opd_key for lay in reference.layanan()}
STAFFED = {"diskominfo", "dinsos", "dispendukcapil"}
FRESH = ChatSoFar(opd=HELPDESK, has_layanan=False, staff_acted=False, resident_messages=0)


@pytest.mark.parametrize("chat, entities, expected", [
    (FRESH, {"layanan": "bansos"}, "dinsos"),
    (FRESH, {"opd": "dispendukcapil"}, "dispendukcapil"),
    (FRESH, {"layanan": "ktp_ganti", "opd": "dispendukcapil"}, "dispendukcapil"),  # both agree
    (ChatSoFar(HELPDESK, False, False, FIRST_MESSAGES - 1), {"layanan": "bansos"}, "dinsos"),
    # negative: the words name nothing, or two dinas, or the helpdesk itself
    (FRESH, {}, None),
    (FRESH, {"kecamatan": "Gempol"}, None),
    (FRESH, {"layanan": "bansos", "opd": "dispendukcapil"}, None),
    (FRESH, {"opd": HELPDESK}, None),
    # negative: a dinas with no active petugas keeps it at the helpdesk
    (FRESH, {"layanan": "cek_kesehatan"}, None),
    (FRESH, {"opd": "dinkes"}, None),
    # negative: a person already acted (replied, claimed, set a status, or moved it here)
    (ChatSoFar(HELPDESK, False, True, 0), {"layanan": "bansos"}, None),
    # negative: past the first lines it is a conversation
    (ChatSoFar(HELPDESK, False, False, FIRST_MESSAGES), {"layanan": "bansos"}, None),
    # negative: the chat had a topic (a service, or a dinas other than the helpdesk)
    (ChatSoFar(HELPDESK, True, False, 0), {"layanan": "bansos"}, None),
    (ChatSoFar("dispendukcapil", False, False, 0), {"layanan": "bansos"}, None),
])
def test_when_a_helpdesk_chat_goes_to_the_dinas_it_names(chat, entities, expected):
    assert route_to(chat, entities, LAYANAN, STAFFED) == expected


def test_the_cheap_half_of_the_rule_says_when_reading_is_pointless():
    assert may_route(FRESH)
    assert not may_route(ChatSoFar(HELPDESK, False, True, 0))
    assert named_dinas({"layanan": "unknown"}, LAYANAN) is None
