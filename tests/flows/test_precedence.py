"""Which reading of a message wins, by category (pure: fake facts, the real recogniser).

A question around a service is answered from its own topic words, never from a stray overlap (an
address word, an age stated, a when/where); a clear request is never pre-empted by such an answer;
a request said beside a real question gets both, the answer first and the request's question last."""

from __future__ import annotations

import pytest

from catalogue import render_say
from flows import build_registry, info, policy
from tests.flows.fakes import turn

REGISTRY = build_registry()
RULES = policy.Rules()


def decide(text, flow=None, state=None, slots=None):
    situation = policy.Situation(flow, state, dict(slots or {}))
    return policy.decide(REGISTRY, RULES, situation, turn(text, situation.slots))


def keys(outcome) -> list[str]:
    return [r.key for r in outcome.replies]


# — category 1: no stray overlap makes a question around a service ——————————————————————————————
@pytest.mark.parametrize("text", [
    # an address word is no relative who would come instead
    "iso tulung dielingno kak, yen kenduren teko nang rembang karo kraton",
    "BISA DIKABARI MBAK KALO KENDUREN DATANG KE BEJI",
    "saged dipun engetaken mas, menawi kenduren rawuh ing prigen",                    # krama
    # an age said with the request is no question about age
    "badhe daftar cek kesehatan, yuswa kula sampun 63",                                 # krama
    "KAULA TERRO DAFTAR KB, OMOR KAULA 35 TAON",                                        # Madurese, capitals
    "daptar ktp bwt bpk ku umurnya 70 thn",                                             # typos
    "umure simbokku pitung puluh, arep ndaftar cek kesehatan",                          # ngoko
    # when and where one must come is the schedule's question
    "kula kedah dateng dinten menapa lan ing pundi?",                                   # krama
    "harus datang jam berapa ya",
    "kudu teko nang ndi aku?",                                                          # ngoko
    # a date to change is no one else coming instead
    "jadwal e iso diganti ora?",
])
def test_a_stray_overlap_is_no_question_around_a_service(text):
    assert info.topic_of(text) is None, info.topic_of(text)


@pytest.mark.parametrize("text, topic", [
    ("umur piro oleh gawe ktp?", "umur"),                       # asked, not stated
    ("umur 16 wis iso rekam ktp ta?", "umur"),                  # a number in the question
    ("bapakku oleh teko gantiin aku?", "diwakilkan"),           # one's own father
    ("apa harus datang sendiri?", "diwakilkan"),
    ("kaula terro ngurus kk, olle ewakele lake?", "diwakilkan"),  # Madurese
    ("ktp gratis kan?", "biaya"),
])
def test_the_questions_own_words_still_ask_it(text, topic):
    assert info.topic_of(text) == topic


@pytest.mark.parametrize("text, flow", [
    ("iso tulung dielingno kak, yen kenduren teko nang rembang karo kraton", "langganan"),
    ("KAULA TERRO DAFTAR KB, OMOR KAULA 35 TAON", "layanan"),
    ("badhe daftar cek kesehatan, yuswa kula sampun 63", "layanan"),
    ("kula kedah dateng dinten menapa lan ing pundi?", "jadwal"),
])
def test_a_clear_request_is_never_pre_empted_by_an_answer(text, flow):
    outcome = decide(text)
    assert outcome.flow == flow and "info.sourced" not in keys(outcome)


@pytest.mark.parametrize("text", ["hapusen nomerku soko pengingat", "tolong hapus nomor saya dari pengingat jadwal"])
def test_a_clear_stop_is_no_question_about_a_queue_number(text):
    from flows.effects import OptOut

    assert [type(e) for e in decide(text).effects] == [OptOut]


@pytest.mark.parametrize("text, flow, answer_has", [
    ("aku arep ndaftar akta lair, oleh diwakilno bojoku?", "layanan", "surat kuasa"),           # ngoko
    ("badhe daftar KK, menapa kedah rawuh piyambak?", "layanan", "surat kuasa"),                # krama
    ("kaula terro daftar KTP, olle ewakele bine?", "layanan", "harus datang sendiri"),          # Madurese
    ("MAU DAFTAR KIA ANAK, FOTOKOPI BRP LEMBAR?", "layanan", "fotokopi"),                       # capitals
    ("dftr ktp donk, gratis kan?", "layanan", "GRATIS"),                                        # typos
    ("tolong ingetno jadwal pandaan yo, mbayar ora?", "langganan", "GRATIS"),
    ("kapan ke bangil? bayar gak?", "jadwal", "GRATIS"),
])
def test_a_request_beside_a_question_gets_both(text, flow, answer_has):
    outcome = decide(text)
    assert outcome.flow == flow, keys(outcome)
    assert keys(outcome)[0] == "info.sourced" and answer_has in render_say(outcome.replies[0])
    assert len(outcome.replies) >= 2 and outcome.replies[-1].key != "info.sourced"  # the request's question last


@pytest.mark.parametrize("text", ["KTP: boleh diwakilkan suami saya?", "syarat donor darah apa saja",
                                  "umur berapa bisa bikin ktp", "ktp e jadine kapan"])
def test_a_question_alone_starts_nothing(text):
    outcome = decide(text)
    assert keys(outcome) == ["info.sourced"] and outcome.flow is None


# — a question right after a completed step: thanks are a courtesy, the documents are the ticket's ——————
@pytest.mark.parametrize("text", [
    "maturnuwun sanget, mangke kula mbeta berkas menapa?",      # krama
    "suwun yo, sesuk nggowo opo ae?",                           # ngoko
    "kalangkong, berkassa ngiba apa beih?",                     # Madurese
    "MKSH BANYAK, DOKUMENNYA APA AJA?",                         # capitals, typos
    "trimakasih mbak, persyaratannya sama kan?",
])
def test_thanks_then_a_question_of_what_to_bring_gets_the_tickets_requirements(text):
    from tests.flows.fakes import FakeFacts, own_ticket

    situation = policy.Situation(None, None, {})
    outcome = policy.decide(REGISTRY, RULES, situation, turn(text, {}, FakeFacts(tickets=[own_ticket()])))
    assert keys(outcome) == ["info.requirements_ticket"], keys(outcome)
    said = render_say(outcome.replies[0])
    assert "KM-0001" in said and "KK asli" in said


@pytest.mark.parametrize("text", ["suwun nggih", "makasih banyak ya kak", "matur nuwun sanget"])
def test_thanks_alone_stay_thanks(text):
    assert keys(decide(text)) == ["menu.thanks"]


def test_a_yes_before_the_thanks_still_answers_the_yes_question():
    from flows.effects import Subscribe

    outcome = decide("nggih matur nuwun, mangke dikabari nggih", "langganan", "consent", {"kecamatan": "Gempol"})
    assert [type(e) for e in outcome.effects] == [Subscribe]


# — a wish for a sooner visit, another date or another kecamatan ————————————————————————————————
AT_CARD = dict(flow="jadwal", state="after_visit", slots={"kecamatan": "Purwosari", "visit_id": 2})
AT_DATE = dict(flow="layanan", state="choose_visit", slots={"layanan": "kk", "kecamatan": "Purwosari", "visit_id": 2})


@pytest.mark.parametrize("text", [
    "nyuwun pirsa, wonten ingkang langkung rumiyin ing kecamatan sanes?",   # krama
    "sing luwih gasik nang ndi lek?",                                       # ngoko
    "YG PALING CEPET DMN KAK",                                              # capitals, Gen-Z
    "bede se lebbi cepet e kec laen?",                                      # Madurese
    "ada di kecamatan lain ga?",
])
def test_at_a_visit_card_a_sooner_visit_lists_the_nearby_sooner_ones(text):
    outcome = decide(text, **AT_CARD)
    assert (outcome.flow, outcome.state) == ("jadwal", "pick_visit"), keys(outcome)
    said = render_say(outcome.replies[-1])
    assert "Gempol" in said and "km" in said and "Purwosari" not in said.split("\n", 1)[1]
    picked = decide("1", "jadwal", "pick_visit", outcome.slots)
    assert (picked.flow, picked.state) == ("jadwal", "after_visit") and "Gempol" in render_say(picked.replies[0])


@pytest.mark.parametrize("text", ["ganti dino", "tanggal liyane wae", "gantos dinten", "ubah tanggalnya kak",
                                  "sing luwih cepet ono ora?"])
def test_at_the_registrations_date_question_another_date_is_the_date_choice(text):
    outcome = decide(text, **AT_DATE)
    assert (outcome.flow, outcome.state) == ("layanan", "pick_other_visit"), keys(outcome)


@pytest.mark.parametrize("text", ["ganti dino", "ubah tgl e", "sing luwih gasik wae"])
def test_at_the_summary_another_date_goes_straight_to_the_date_choice(text):
    slots = {"layanan": "kk", "kecamatan": "Gempol", "visit_id": 1, "nama": "Siti", "desa": "Gempol",
             "desa_kecamatan": "Gempol"}
    outcome = decide(text, "layanan", "confirm", slots)
    assert (outcome.flow, outcome.state) == ("layanan", "pick_other_visit"), keys(outcome)


@pytest.mark.parametrize("text", ["yg lbh cpt dmn ya?", "wonten ingkang langkung enggal?", "ganti dino wae"])
def test_a_ticket_holder_asking_for_a_sooner_visit_is_offered_the_move(text):
    from tests.flows.fakes import FakeFacts, own_ticket

    outcome = policy.decide(REGISTRY, RULES, policy.Situation(None, None, {}),
                            turn(text, {}, FakeFacts(tickets=[own_ticket()])))
    assert (outcome.flow, outcome.state) == ("tiket", "pick_visit"), keys(outcome)


def test_at_the_nearby_list_a_sooner_wish_shows_every_next_visit():
    slots = {"layanan": "kk", "kecamatan": "Purwosari", "home_kecamatan": "Purwosari", "visit_ids": [2, 1],
             "visit_km": {"1": 19}, "with_other": True}
    outcome = decide("sing luwih cepet nang ndi maneh?", "layanan", "pick_other_visit", slots)
    assert (outcome.flow, outcome.state) == ("layanan", "pick_other_visit") and keys(outcome) == ["layanan.pick_visit"]
    assert outcome.slots["visit_ids"] == [1, 2, 3]
