"""Questions about a visit beyond its card, pure (fake facts): which dinas come and what each offers,
yes/no for a named dinas, hours and place of the visit in context, what to bring for a service."""

from dataclasses import replace
from datetime import date

import pytest

from flows import build_registry
from flows.dispatch import dispatch
from tests.flows.fakes import RESIDENT, FakeFacts, _visit, recogniser, turn

REGISTRY = build_registry()


def facts() -> FakeFacts:
    """Rejoso is the next visit, with four dinas; Gempol and Bangil later, with all fourteen."""
    every = tuple(FakeFacts().opd_list())
    four = tuple(o for o in every if o.key in ("dispendukcapil", "dinsos", "dinkes", "diskominfo"))
    rejoso = replace(_visit(4, "Rejoso", date(2026, 12, 3)), opd=four)
    gempol = replace(_visit(1, "Gempol", date(2026, 12, 10)), opd=every)
    bangil = replace(_visit(3, "Bangil", date(2026, 12, 17)), opd=every, jam_text="07.30–12.00 WIB")
    return FakeFacts(visits=[rejoso, gempol, bangil])


def run(text, flow=None, state=None, slots=None, resident=RESIDENT):
    t = replace(turn(text, slots, facts()), resident=resident)
    return dispatch(REGISTRY, flow, state, t)


def keys(outcome):
    return [r.key for r in outcome.replies]


def reply(outcome, key):
    return next(r for r in outcome.replies if r.key == key)


AT_GEMPOL_CARD = dict(flow="jadwal", state="after_visit", slots={"kecamatan": "Gempol", "visit_id": 1})


@pytest.mark.parametrize("text, aspect", [
    ("dinas apa saja yang ikut kenduren mas besok?", "opd"),
    ("sing teko dinas opo ae?", "opd"),
    ("apa ada dispenduk pas kenduren mas di rejoso?", "opd"),
    ("wonten dinas kesehatan mboten?", "opd"),
    ("opd sing melu sopo ae", "opd"),
    ("sinten mawon ingkang rawuh?", "opd"),  # krama: who (all) comes
    ("sopo ae sing teko?", "opd"),
    ("sapa beih se dhateng?", "opd"),  # Madurese
    ("lajeng ngantos jam pinten?", "jam"),  # krama: and until what time?
    ("siapa petugasnya", None),
    ("sopo sing ngurus ktp ku", None),
    ("jam piro bukak e?", "jam"),
    ("sampai jam berapa?", "jam"),
    ("tutup e jam piro", "jam"),
    ("lokasine nang ndi?", "lokasi"),
    ("alamate nang ndi", "lokasi"),
    ("kapan kenduren mas nang gempol?", None),
    ("minggu depan nang ndi?", None),
    ("jam 2 sik onok ta?", None),
])
def test_the_part_of_a_visit_asked_about_is_an_entity(text, aspect):
    assert recogniser().understand(text).entities.get("aspek") == aspect


def test_which_dinas_without_a_place_lists_the_next_visits_dinas_and_their_services():
    out = run("dinas apa saja yang ikut kenduren mas besok?")
    answer = reply(out, "info.opd_list")
    assert answer.params["kecamatan"] == "Rejoso" and answer.params["n"] == 4
    lines = answer.params["dinas"].items
    assert [line.params["opd"].params["singkatan"] for line in lines] == [  # the order of opd.csv
        "Dispendukcapil", "Dinas Sosial", "Diskominfo", "Dinas Kesehatan"]
    dispendukcapil, dinsos, diskominfo, dinkes = lines
    assert "Akta kematian" in dispendukcapil.params["layanan"].params["layanan"]
    assert dinsos.params["opd"].key == "info.opd_name"  # "Dinas Sosial" is its name already
    assert dinkes.params["opd"].params["nama"] == "Dinas Kesehatan dan RSUD Bangil"
    assert diskominfo.params["layanan"] == ""  # no service of its own in the reference
    assert out.flow == "jadwal" and out.state == "after_visit" and out.slots["kecamatan"] == "Rejoso"


def test_a_named_dinas_gets_a_yes_with_its_services_or_a_no_with_who_comes():
    yes = reply(run("apa ada dispenduk pas kenduren mas di rejoso?"), "info.opd_yes")
    assert yes.params["kecamatan"] == "Rejoso" and yes.params["opd"].params["singkatan"] == "Dispendukcapil"
    assert "KTP-el" in yes.params["layanan"].params["layanan"]
    no = reply(run("ada disnaker gak pas kenduren mas di rejoso?"), "info.opd_no")
    assert no.params["hadir"] == "Dispendukcapil, Dinas Sosial, Diskominfo, Dinas Kesehatan"


def test_the_kecamatan_in_the_message_wins_then_the_conversation_then_the_residents():
    assert reply(run("dinas opo ae sing teko nang bangil?"), "info.opd_list").params["kecamatan"] == "Bangil"
    at_card = run("sing teko dinas opo ae?", **AT_GEMPOL_CARD)
    assert reply(at_card, "info.opd_list").params["kecamatan"] == "Gempol"
    from_bangil = replace(RESIDENT, kecamatan="Bangil")
    assert reply(run("wonten dinas kesehatan mboten?", resident=from_bangil), "info.opd_yes").params[
        "kecamatan"] == "Bangil"


def test_which_dinas_at_the_cards_choices_is_answered_and_the_choices_still_work():
    asked = run("sing teko dinas opo ae?", **AT_GEMPOL_CARD)
    assert keys(asked) == ["info.opd_list", "jadwal.next_actions"] and asked.understood
    assert (asked.flow, asked.state) == ("jadwal", "after_visit")
    remind = run("2", asked.flow, asked.state, asked.slots)
    assert remind.flow == "langganan" and remind.slots["kecamatan"] == "Gempol"


@pytest.mark.parametrize("text", ["jam piro bukak e?", "sampai jam berapa?", "lokasine nang ndi?"])
def test_hours_and_place_at_a_card_are_that_visits(text):
    out = run(text, flow="jadwal", state="after_visit", slots={"kecamatan": "Bangil", "visit_id": 3})
    card = reply(out, "jadwal.visit")
    assert card.params["kecamatan"] == "Bangil" and card.params["jam"] == "07.30–12.00 WIB"
    assert card.params["lokasi"] == "Kantor Kecamatan Bangil"


def test_a_plain_schedule_question_at_a_card_is_not_tied_to_it():
    """Only a question about a part of the visit reads the card's kecamatan; "minggu depan nang
    ndi?" still lists what comes next."""
    out = run("minggu depan nang ndi?", **AT_GEMPOL_CARD)
    assert "jadwal.upcoming" in keys(out)


def test_another_intent_keeps_the_models_decision():
    """"onok PMI ta? aku pengen donor" names a dinas, but the model reads a service request."""
    out = run("onok PMI ta? aku pengen donor", **AT_GEMPOL_CARD)
    assert out.flow == "layanan"


@pytest.mark.parametrize("text, layanan, first", [
    ("gowo opo ae lek ngurus akta kematian", "Akta kematian", "Surat keterangan kematian"),
    ("menawi badhe ngurus akta kematian bapak kula, betah napa mawon?", "Akta kematian", "Surat keterangan kematian"),
    ("syarat e KIA opo", "Kartu Identitas Anak (KIA)", "Fotokopi kutipan akta kelahiran"),
    ("syaratipun KIA menapa mawon?", "Kartu Identitas Anak (KIA)", "Fotokopi kutipan akta kelahiran"),
])
def test_what_to_bring_for_a_named_service_reaches_its_persyaratan(text, layanan, first):
    intro = reply(run(text), "layanan.intro")
    assert intro.params["layanan"] == layanan
    assert intro.params["syarat"].params["documents"].items[0].params["text"].startswith(first)
