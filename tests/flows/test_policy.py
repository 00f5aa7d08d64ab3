"""The conversation policy as tables, pure: no HTTP, no database (a fake facts object)."""

from datetime import timedelta

import pytest

from flows import build_registry, policy
from flows.effects import Handoff, LeaveHandoff, OptOut, ReferralArrival, RelayToPetugas, Subscribe
from flows.referral import referral_text
from tests.flows.fakes import turn

REGISTRY = build_registry()
RULES = policy.Rules(idle_timeout=timedelta(minutes=30), flood_limit_per_minute=20)
AFTER_VISIT = dict(flow="jadwal", state="after_visit", slots={"kecamatan": "Gempol", "visit_id": 1})
ASK_NAME = dict(flow="layanan", state="ask_name", slots={"layanan": "kk", "kecamatan": "Gempol", "visit_id": 1})
CONSENT = dict(flow="langganan", state="consent", slots={"kecamatan": "Gempol"})


def keys(outcome) -> list[str]:
    return [r.key for r in outcome.replies]


def screen(text, **situation):
    return policy.screen(REGISTRY, RULES, policy.Situation(**situation), policy.Message(text=text))


def decide(text, **situation):
    situation = policy.Situation(**situation)
    return policy.decide(REGISTRY, RULES, situation, turn(text, situation.slots))


@pytest.mark.parametrize("count, replies", [(20, None), (21, ["menu.slow_down"]), (22, [])])
def test_flood_one_polite_answer_then_silence(count, replies):
    screened = screen("halo", flow=None, state=None, slots={}, flood_count=count)
    assert (keys(screened.final) if screened.final else None) == replies


@pytest.mark.parametrize("text, effect, flow", [
    ("MENU", LeaveHandoff, "menu"), ("batal", LeaveHandoff, "menu"), ("Menu.", LeaveHandoff, "menu"),
    ("jam piro bukane?", RelayToPetugas, None), ("kembali", LeaveHandoff, "menu"), ("1", RelayToPetugas, None),
])
def test_handoff_relays_everything_but_menu_and_batal(text, effect, flow):
    """MENU/BATAL leave at once; words go on to be read (a question the bot can answer is the bot's),
    and what it cannot answer ("jam piro bukane?" names no kecamatan) is relayed."""
    final = screen(text, flow=None, state=None, slots={}, in_handoff=True).final
    if final is None:
        final = decide(text, flow=None, state=None, slots={}, in_handoff=True)
    assert [type(e) for e in final.effects] == [effect] and final.flow == flow


def test_in_a_handoff_a_message_without_words_is_relayed_at_once():
    final = policy.screen(REGISTRY, RULES, policy.Situation(None, None, {}, in_handoff=True),
                          policy.Message(text="", media_url="https://api.twilio.com/media/ME1", media="photo")).final
    assert [type(e) for e in final.effects] == [RelayToPetugas]


def test_berhenti_in_a_handoff_reaches_the_bot():
    assert screen("berhenti", flow=None, state=None, slots={}, in_handoff=True).final is None
    assert [type(e) for e in decide("berhenti", flow=None, state=None, slots={}).effects] == [OptOut]


def test_an_idle_conversation_starts_afresh_and_says_the_configured_minutes():
    screened = screen("1", **ASK_NAME, idle_for=timedelta(minutes=45), misses=1)
    assert screened.final is None and screened.situation.flow is None and screened.situation.misses == 0
    (lead,) = screened.lead
    assert lead.key == "menu.idle_reset" and lead.params["minutes"] == 30


def test_an_empty_message_is_answered():
    assert keys(screen("", flow=None, state=None, slots={}).final) == ["menu.empty"]


@pytest.mark.parametrize("text, situation, key", [
    ("suwun nggih", AFTER_VISIT, "menu.thanks"),
    ("makasih", AFTER_VISIT, "menu.thanks"),
    ("ok siap", AFTER_VISIT, "menu.closing"),
    ("matur nuwun", ASK_NAME, "menu.thanks"),  # never stored as the name
    ("suwun nggih", CONSENT, "menu.thanks"),  # thanks are no yes
    ("sakalangkong", dict(flow=None, state=None, slots={}), "menu.thanks"),
])
def test_thanks_and_closings_keep_the_place_and_are_no_miss(text, situation, key):
    outcome = decide(text, **situation, misses=1)
    assert keys(outcome) == [key]
    assert (outcome.flow, outcome.state, outcome.misses) == (situation["flow"], situation["state"], 1)


@pytest.mark.parametrize("text", ["inggih, matur suwun sanget", "iya makasih ya", "ya, kalangkong", "yes thx min"])
def test_a_yes_before_the_thanks_answers_a_yes_question(text):
    outcome = decide(text, **CONSENT)
    assert [type(e) for e in outcome.effects] == [Subscribe]


@pytest.mark.parametrize("text", ["oke makasih min", "sip suwun gan"])
def test_a_closing_with_an_address_word_is_thanks_where_no_yes_is_asked(text):
    assert keys(decide(text, flow=None, state=None, slots={})) == ["menu.thanks"]


def test_a_bare_ok_answers_a_yes_question():
    outcome = decide("ok", **CONSENT)
    assert [type(e) for e in outcome.effects] == [Subscribe]


def test_one_miss_reasks_with_the_choices_two_ask_about_a_petugas():
    first = decide("xq zzv", **AFTER_VISIT)
    assert keys(first) == ["common.choose_again"] and first.misses == 1 and first.state == "after_visit"
    assert len(first.replies[0].params["options"]) == 3
    second = decide("qqq www", **AFTER_VISIT, misses=1)
    assert keys(second) == ["menu.offer_petugas"] and second.misses == 2 and not second.effects
    assert second.state == "after_visit"  # the place is kept


@pytest.mark.parametrize("text", ["1", "ya", "iyo", "nggih", "hubungkan petugas"])
def test_a_handoff_only_when_the_resident_says_yes(text):
    outcome = decide(text, **AFTER_VISIT, misses=2)
    (handoff,) = outcome.effects
    assert isinstance(handoff, Handoff) and handoff.reason == "tidak_paham" and outcome.misses == 0


@pytest.mark.parametrize("text", ["2", "kembali ke menu", "ora"])
def test_declining_the_petugas_shows_the_menu(text):
    outcome = decide(text, **AFTER_VISIT, misses=2)
    assert not outcome.effects and outcome.flow == "menu"


def test_a_valid_answer_after_the_offer_still_counts():
    outcome = decide("ingatkan", **AFTER_VISIT, misses=2)
    assert outcome.flow == "langganan" and outcome.misses == 0


def test_a_change_of_mind_at_the_name_prompt_switches_and_stores_nothing():
    outcome = decide("eh gak sido, aku arep usul lampu PJU mati ae", **ASK_NAME)
    assert outcome.flow == "usulan" and keys(outcome)[0] == "menu.left_flow"
    assert "nama" not in outcome.slots
    assert outcome.slots.get("deskripsi", "").startswith("aku arep usul")  # not "eh gak sido"
    assert outcome.slots.get("kecamatan") == "Gempol"  # the context carried over


def test_leaving_typed_data_is_asked_first_and_can_be_resumed():
    situation = dict(flow="layanan", state="ask_note",
                     slots={"layanan": "kk", "kecamatan": "Gempol", "visit_id": 1, "nama": "Siti Aminah"})
    asked = decide("jalan di desa martopuro rusak parah banyak lubang", **situation)
    assert keys(asked) == ["menu.confirm_leave"] and (asked.flow, asked.state) == ("menu", "confirm_leave")
    resumed = policy.decide(REGISTRY, RULES, policy.Situation(asked.flow, asked.state, asked.slots),
                            turn("lanjutkan yang tadi", asked.slots))
    assert (resumed.flow, resumed.state, resumed.slots["nama"]) == ("layanan", "ask_note", "Siti Aminah")
    left = policy.decide(REGISTRY, RULES, policy.Situation(asked.flow, asked.state, asked.slots),
                         turn("ya, beralih", asked.slots))
    assert left.flow == "usulan" and "nama" not in left.slots


def test_a_kades_link_names_the_desa():
    outcome = decide(referral_text("Wonosunyo", "35.14.12.2001"), flow=None, state=None, slots={})
    assert keys(outcome)[0] == "menu.referral" and outcome.effects == [ReferralArrival("35.14.12.2001")]


def test_a_photo_with_no_question_is_thanked():
    situation = policy.Situation(None, None, {})
    outcome = policy.decide(REGISTRY, RULES, situation, turn("", media_url="https://x/ME1"))
    assert keys(outcome)[0] == "menu.media_received"


ASK_DESA = dict(flow="usulan", state="ask_desa", slots={"kategori": "jalan", "deskripsi": "jalan rusak parah di desaku"})


@pytest.mark.parametrize("text", ["mboten wonten", "ndak onok", "gak ada", "tidak ada", "ora ono", "lewati"])
def test_a_skip_or_no_at_a_required_step_is_never_a_change_of_mind(text):
    outcome = decide(text, **ASK_DESA)
    assert (outcome.flow, outcome.state) == ("usulan", "ask_desa") and not outcome.understood
    assert keys(outcome) == ["places.desa_needed"] and outcome.slots["deskripsi"] == ASK_DESA["slots"]["deskripsi"]


@pytest.mark.parametrize("text", ["ndak onok", "mboten wonten", "gak ada"])
def test_none_at_the_petugas_offer_answers_the_question_underneath_not_the_offer(text):
    outcome = decide(text, **ASK_DESA, misses=2)
    assert (outcome.flow, outcome.state) == ("usulan", "ask_desa") and not outcome.effects


@pytest.mark.parametrize("text, flow", [("tidak", "menu"), ("gak usah", "menu"), ("iyo", "petugas")])
def test_a_plain_no_or_yes_still_answers_the_petugas_offer(text, flow):
    outcome = decide(text, **ASK_DESA, misses=2)
    assert outcome.flow == flow or any(isinstance(e, Handoff) for e in outcome.effects)


def test_the_petugas_offer_made_again_is_not_the_same_text():
    second = decide("qqq www", **ASK_DESA, misses=1)
    third = decide("zzz aaa", **ASK_DESA, misses=2)
    fourth = decide("ndak onok", **ASK_DESA, misses=3)
    assert keys(second) == ["menu.offer_petugas"]
    assert keys(third) == ["places.desa_not_found", "menu.offer_petugas_again"]  # the question's hint, then the offer
    assert keys(fourth) == ["places.desa_needed", "menu.offer_petugas_again"]
    at_a_choice = decide("zzz aaa", **AFTER_VISIT, misses=2)
    assert keys(at_a_choice) == ["menu.offer_petugas_again"]  # its own options would be a second "1."


def test_leaving_a_finished_schedule_answer_leaves_nothing_behind():
    outcome = decide("aku arep usul lampu PJU mati ae", **AFTER_VISIT)
    assert outcome.flow == "usulan" and "menu.left_flow" not in keys(outcome)
    registering = decide("eh, aku arep usul lampu PJU mati ae", flow="langganan", state="consent",
                         slots={"kecamatan": "Gempol"})
    assert registering.flow == "usulan" and keys(registering)[0] == "menu.left_flow"  # a pending consent was left


@pytest.mark.parametrize("intent", sorted(REGISTRY.by_intent))
def test_an_unsure_intent_is_asked_back_with_its_flow_named(intent):
    """Every flow an intent enters can be named in "Maksudnya …?": an unsure 'antrean' once rendered a
    Say without a catalogue key and the resident got the outage apology instead of a question."""
    from catalogue import render

    outcome = policy.decide(REGISTRY, RULES, policy.Situation(flow=None, state=None, slots={}),
                            turn("hmm", intent=intent, confidence=0.3))
    texts = [render(r.key, **r.params) for r in outcome.replies]
    assert texts and all(texts)
