"""The conversation policy: the rules around the flows, declared and pure.

Two questions, asked by handlers/inbound.py (and the Rasa actions) for every resident message:
- `screen`: before the message is read — flood, a petugas holding the chat (relay, or MENU/BATAL to
  leave it), an empty message, an idle conversation that starts afresh, a message too long to read.
- `decide`: what it means — a referral link, a photo with no question, thanks and closings (a
  friendly word in any state, never a miss), a change of mind at a free-text question, then the
  engine (global commands, the current step, a new flow by intent), and misunderstanding: one miss
  re-asks with the choices, two offer the menu and *ask* whether to call a petugas. A handoff
  happens only when the resident asks for one or says yes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any, Mapping

from flows import answers, berhenti, info, langganan, person, places, referral, tiket, usulan
from flows.dates import jam, tanggal
from flows.jadwal import asks_nearest, schedule_cards
from flows.person import as_name, stated_person_name
from flows.working_hours import WorkingCalendar
from flows.commands import command_of
from flows.dispatch import (
    CONFIDENT, MENU_ASKS, Outcome, Registry, answers_the_question, context_of, dispatch, leaves_something, left_flow_say,
    main_menu,
    start, switch_flow,
)
from flows.effects import LeaveHandoff, NoSurveys, SurveysOn, NoteHome, NoteInHandoff, ReferralArrival, RelayToPetugas, SaveSurvey
from flows.engine import Ask, Say, Turn, choices, say
from flows.facts import TicketView
from flows.nlu.results import OUT_OF_SCOPE
from flows.layanan import not_offered, registers_someone, requirement_lines
from flows.nlu.recogniser import KECAMATAN_NAMED

OFFER_HELP = choices(("petugas", say("opt.yes_petugas")), ("menu", say("opt.menu")), yes="petugas", no="menu")
# At a free-text question (a name, a note) a message this sure of another intent is a change of mind,
# not the answer: "eh gak sido, aku arep usul lampu PJU mati ae" at the name prompt.
SWITCH_AT_FREE_TEXT = 0.5
CHANGE_OF_MIND_WORDS = ("gak sido", "ga sido", "ora sido", "ndak sido", "gak jadi", "ga jadi", "nggak jadi",
                        "tidak jadi", "ndak jadi", "batal", "eh")

# "eh gak sido, " before the new request: not part of what the resident now asks for.
_CHANGE_OF_MIND_LEAD = re.compile(
    r"^\W*(?:eh\W+)?(?:(?:gak|ga|ora|ndak|nggak|tidak)\s+(?:sido|jadi)|batal)\b(?:\s+(?:wis|wes|ae|aja|deh))?[\s,.!]*",
    re.IGNORECASE)

# "yowes gpp, daftar ae": an acceptance before the request ("never mind, just register") is not part of
# it, and read whole it misleads the recogniser (it read this one as berhenti).
_ACCEPT_LEAD = re.compile(
    r"^\W*(?:(?:yo\s*w[ie]s|ya\s*udah|yaudah|yawes|ok(?:e|ey)?|sip|wis|wes|udah|sudah|gpp|gapapa|"
    r"(?:gak|ga|nggak|ndak|ora|tidak)\s*(?:pa\s*pa|papa|apa[\s-]*apa|popo|opo[\s-]*opo))\b[\s,.!]*)+",
    re.IGNORECASE)


@dataclass(frozen=True)
class Rules:
    """The numbers of the policy (from Settings)."""

    idle_timeout: timedelta = timedelta(minutes=30)
    survey_window: timedelta = timedelta(hours=24)  # a late rating is still an answer
    flood_limit_per_minute: int = 20
    misses_before_offer: int = 2


@dataclass(frozen=True)
class Situation:
    """What the conversation is, as the handler found it before this message."""

    flow: str | None
    state: str | None
    slots: Mapping[str, Any]
    misses: int = 0
    idle_for: timedelta = timedelta(0)
    in_handoff: bool = False
    flood_count: int = 0


@dataclass(frozen=True)
class Message:
    """The message as the policy needs it (before any understanding)."""

    text: str
    too_long: bool = False
    media_url: str | None = None
    location: tuple[float, float] | None = None
    media: str | None = None  # media_kind() of the attachment


# A photo or pin sent without words is kept this long for the proposal the resident then starts.
ATTACHMENT_KEPT = timedelta(minutes=30)


# What an attachment is, by its content type (Twilio's MediaContentType0). WhatsApp sends stickers as
# image/webp and contact cards as text/vcard.
def media_kind(content_type: str | None) -> str:
    kind = (content_type or "").split(";")[0].strip().casefold()
    if kind.startswith("audio/"):
        return "voice"
    if kind == "image/webp":
        return "sticker"
    if kind in ("text/vcard", "text/x-vcard", "text/directory"):
        return "contact"
    if kind.startswith("video/"):
        return "video"
    if kind.startswith("image/") or not kind:
        return "photo"
    return "document"


@dataclass(frozen=True)
class Screened:
    final: Outcome | None  # the whole answer: do not read the message further
    lead: tuple[Say, ...] = ()  # said before the answer
    situation: Situation | None = None  # as it stands after screening (an idle one starts afresh)


def stay(situation: Situation, replies=(), effects=()) -> Outcome:
    """Answer without moving the conversation."""
    return Outcome(list(replies), situation.flow, situation.state, dict(situation.slots), list(effects),
                   misses=situation.misses)


def screen(registry: Registry, rules: Rules, situation: Situation, message: Message) -> Screened:
    """A message to a petugas with words is read on (`decide`), so a question the bot can answer is
    answered — on WhatsApp and through the Rasa actions alike; one without words is relayed."""
    if situation.flood_count > rules.flood_limit_per_minute:
        # One polite answer when the limit is crossed, then silence; everything stays stored.
        first = situation.flood_count == rules.flood_limit_per_minute + 1
        return Screened(stay(situation, [say("menu.slow_down")] if first else []))
    if situation.in_handoff:
        cmd = command_of(message.text)
        if cmd in ("menu", "cancel"):
            # Back to the bot; the petugas is told and the ticket stays open.
            return Screened(replace(main_menu(registry, lead=say("handoff.left")), effects=[LeaveHandoff()]))
        if cmd != "stop" and not message.text:  # BERHENTI always reaches the bot
            return Screened(stay(situation, effects=[RelayToPetugas(text=message.text, media_url=message.media_url,
                                                                   location=message.location)]))
    lead: list[Say] = []
    if message.too_long:
        lead.append(say("menu.too_long"))
    if situation.flow and situation.idle_for > (rules.survey_window if situation.flow == "survei" else rules.idle_timeout):
        lead.append(say("menu.idle_reset", where=say(f"flow.{situation.flow}"),
                        minutes=int(rules.idle_timeout.total_seconds() // 60)))
        situation = replace(situation, flow=None, state=None, slots={}, misses=0)
    if not message.text and not message.location and not message.media_url:
        return Screened(stay(situation, [*lead, say("menu.empty")]))
    if not message.text and message.media == "voice":
        # No offline Indonesian speech model ships in a package: say so, and how else to ask.
        return Screened(stay(situation, [*lead, say("media.voice")]))
    if not message.text and message.media in ("sticker", "contact"):
        # A sticker or a contact card mid-question: a friendly word, never a misunderstanding.
        mid_flow = situation.flow not in (None, "menu")
        return Screened(stay(situation, [*lead, say("media.ignored_mid_flow" if mid_flow else "media.ignored",
                                                    what=say(f"media.{message.media}"))]))
    return Screened(None, tuple(lead), situation)


def _ask(registry: Registry, rules: Rules, situation: Situation) -> Ask:
    """What the last question was: the petugas offer, the engine's own, or the flow's."""
    if situation.misses >= rules.misses_before_offer:
        return Ask(OFFER_HELP)
    if situation.flow == "menu":
        if situation.state == QUESTION_STATE:
            return Ask(QUESTION_MEANT)
        return MENU_ASKS.get(situation.state or "", Ask())
    flow = registry.flows.get(situation.flow or "")
    return flow.ask(situation.state) if flow else Ask()


def _takes_yes(ask: Ask) -> bool:
    return ask.yes or (ask.choices is not None and ask.choices.yes is not None)


def closing_reply(ask: Ask, text: str) -> Say | None:
    """Thanks and closings get a short friendly word in any state, and are never a miss. Thanks are
    never an answer ("suwun nggih" is not a yes); a bare "ok"/"nggih" is one where yes is asked, and so
    is a yes said before the thanks ("nggih, matur nuwun" at the summary registers)."""
    if _takes_yes(ask) and answers.is_yes_then_thanks(text):
        return None
    if answers.is_thanks(text):
        return say("menu.thanks")
    if answers.is_closing(text) and not (_takes_yes(ask) and answers.yes_no(text) is not None):
        return say("menu.closing")
    return None


# Words said around thanks that ask for nothing: "matur nuwun sanget infone", "sakalangkong infona", "makasih ya
# bu, sangat membantu", "alhamdulillah, suwun", "ok noted thx".
_COURTESY = frozenset("""
    info infone infona infonya informasi informasine informasinya infonipun jawabane jawabannya jawabanipun
    penjelasane penjelasannya penjelasanipun membantu mbantu ngewangi ngerewangi bantuane bantuannya bantuanipun
    alhamdulillah puji tuhan noted jelas paham ngerti mengerti faham atas nggeh enggeh ngge kak kakak min mimin
    admin bu pak mas mbak dik dek cak ning lur bos bund nak kang ndan sedaya semua semuanya sanget sekali
""".split())


def _thanks_with_courtesy(turn: Turn, ask: Ask) -> Say | None:
    """Thanks with courtesy around them ("oke makasih infonya kak") get the short answer, as thanks alone do
    (they got the menu, a greeting or "jawabannya belum saya pahami"). Never where the message answers the
    question asked, never a question, and never with a request in what is left ("makasih, mau daftar ktp")."""
    tokens = answers.words(turn.text)
    if (ask.free_text or len(tokens) > 10 or not any(t in answers.THANKS_WORDS for t in tokens)
            or asks_something(turn.text) or (ask.choices is not None and turn.pick(ask.choices) is not None)
            or (_takes_yes(ask) and answers.yes_no(tokens[0]) is True)):
        return None
    rest = [t for t in tokens if t not in answers.THANKS_WORDS and t not in answers.CLOSING_WORDS and t not in _COURTESY]
    if rest and turn.nlu is not None:
        heard = turn.nlu.understand(" ".join(rest))
        if heard.intent not in ("sapaan", OUT_OF_SCOPE) and heard.confidence >= CONFIDENT:
            return None
    return say("menu.thanks")


def decide(registry: Registry, rules: Rules, situation: Situation, turn: Turn) -> Outcome:
    """What the message means (below), and where the resident said they live kept for later: a desa named in
    a greeting or a schedule question, or a pin, sent outside a flow, is offered when a registration asks it,
    never asked again."""
    outcome = _decide(registry, rules, situation, turn)
    if (not outcome.understood or outcome.flow == "menu") and situation.flow in (None, "menu"):
        # "domisili kota pasuruan", "aku wong kota" alone: said kindly, with the nearest visit (not "not understood").
        outside = places.outside_answer(turn, None)
        if outside is not None:
            outcome = Outcome(list(outside.replies), None, None, {}, list(outcome.effects))
    elif situation.flow in (None, "menu") and outcome.replies:
        # "gempol tgl brp? sy org bugul kidul": the answer, and kindly that Kenduren Mas is the regency's (anyone
        # may come) — said wherever an outside home is said, never treated as a resident's own kecamatan.
        found = places.outside_found(turn) if places.says_home(turn.text) else None  # not "anak saya kerja di surabaya"
        if found is not None and not any(r.key.startswith("places.outside") or r.key == "places.kota_dukcapil"
                                         for r in outcome.replies):
            outcome = replace(outcome, replies=[say("places.outside_note", place=found[0]), *outcome.replies])
    # Mid-flow a place answers the question asked (the flow keeps it); a kepala desa's link says its own desa.
    if situation.flow not in (None, "menu") or any(isinstance(e, ReferralArrival) for e in outcome.effects):
        return outcome
    home = places.home_stated(turn)
    if home is None:
        return outcome
    return replace(outcome, effects=[NoteHome(desa=home[0], kecamatan=home[1]), *outcome.effects])


def _decide(registry: Registry, rules: Rules, situation: Situation, turn: Turn) -> Outcome:
    kode = referral.desa_kode_in(turn.text)
    if kode:
        desa = turn.facts.desa_by_kode(kode)
        menu = main_menu(registry)
        if desa is None:
            return menu
        return replace(menu, replies=[say("menu.referral", desa=desa.nama), *menu.replies,
                                      say("menu.offer_subscribe", kecamatan=desa.kecamatan)],
                       effects=[ReferralArrival(desa_kode=kode)])
    if situation.in_handoff and command_of(turn.text) != "stop":  # BERHENTI always reaches the bot
        return _in_handoff(registry, rules, situation, turn)
    if berhenti.surveys_only(turn.text) and command_of(turn.text) is None:
        # "gak usah kirim survei", "survei e ora usah", "ampun kintun survei malih": the surveys stop, only them (a
        # survey under way is dropped); never a stop of reminders.
        survey_left = situation.flow == "survei"
        return Outcome([say("berhenti.surveys_off")], None if survey_left else situation.flow,
                       None if survey_left else situation.state, {} if survey_left else dict(situation.slots),
                       effects=[NoSurveys()], misses=0)
    if turn.resident.surveys_off and berhenti.surveys_back(turn.text) and command_of(turn.text) is None:
        # "kirimi survei lagi", "survei e dikirim maneh wae" after a surveys-only opt-out: on again, said so.
        return Outcome([say("berhenti.surveys_on")], situation.flow, situation.state, dict(situation.slots),
                       effects=[SurveysOn()], misses=0)
    if turn.resident.opted_out and situation.flow in (None, "menu") and berhenti.asks_still_sent(turn.text):
        # "abis ini sy msh dikirimi wa?" after a stop: what stopped and what still comes (outbox kinds' direct replies).
        return replace(stay(situation, [say("berhenti.still_sent_after_stop")]), misses=0)
    if situation.flow == "survei":
        aside = _survey_aside(registry, rules, situation, turn)
        if aside is not None:
            return aside
    if not turn.text and turn.media_url and not turn.location and situation.flow in (None, "menu"):
        return main_menu(registry, lead=say("menu.media_received"))

    ask = _ask(registry, rules, situation)
    if (situation.misses >= rules.misses_before_offer and not answers.is_none(turn.text)
            and info.topic_of(turn.text) is None):  # "… bayar mboten?" is a question, not a no
        # The last question was "shall I call a petugas?": its answer comes first ("ndak onok" is
        # no answer to it, but to the question underneath: not a "no, back to the menu").
        offered = turn.pick(OFFER_HELP)
        if offered == "petugas":
            # The petugas reads the question that was not answered, not the "1" that said yes.
            asked = replace(turn, text=situation.slots.get(ASKED) or turn.text)
            return replace(start(registry, "petugas", asked, {**context_of(situation.slots),
                                                              "handoff_reason": "tidak_paham"}), misses=0)
        if offered == "menu":
            return main_menu(registry)

    not_ours = not_offered(turn.text) if situation.flow in (None, "menu") else None
    if not_ours is not None and (turn.entities.get("layanan") or not answers.is_question(turn.text)):
        # A question naming nothing of ours ("bisa bikin sim gak?") gets "belum bisa saya jawab" with a petugas offered.
        # "mau daftar bpjs kesehatan pbi", "arep gawe sim": not a Kenduren Mas service (never PKH/Bansos), a petugas offered.
        return replace(stay(situation, [say("layanan.not_offered", nama=not_ours)]), misses=0)
    if situation.flow == "menu" and situation.state == QUESTION_STATE:
        meant = _question_meant(registry, rules, situation, turn)
        if meant is not None:
            return meant

    said_of_else = _stop_said_of_something_else(registry, situation, turn, ask)
    if isinstance(said_of_else, Outcome):
        return said_of_else
    turn = said_of_else or turn
    left = _leaves_the_flow(registry, situation, turn, ask)
    if left is not None:
        return left
    as_said = turn
    turn = _yes_with_remark(turn, ask) or _read_again(
        _without_background(_without_acceptance(_without_thanks(turn, ask), ask), situation, ask))
    # "pengingat sy apa aja, sama tiket sy apa aja": the reminders' list answers both (the tickets beside it).
    reminders = (langganan.own_reminders_first(registry, situation.flow, turn)
                 if langganan.asks_list(turn.text) else None)
    if reminders is not None:
        return reminders
    # "batalno", "gak iso teko tgl 14", "ganti tanggal" from a ticket holder: about that ticket first
    # (before a stop or erasure is read into it: cancelling never stops reminders).
    own = tiket.own_ticket_first(registry, situation.flow, turn, situation.state)
    if own is not None:
        return own
    reminders = langganan.own_reminders_first(registry, situation.flow, turn)
    if reminders is not None:
        return reminders
    sensitive = _sensitive(registry, situation, turn, ask)
    if sensitive is not None:
        return sensitive
    own = _about_the_bot(situation, turn)
    if own is not None:
        return own
    if situation.flow in (None, "menu") and is_complaint(turn) and not _clear_request(turn):
        # "pelayanane suwi banget, aku ngenteni 3 jam ra dilayani", "petugasnya judes": a complaint is heard as one —
        # never a queue check-in, a schedule card, a registration or a chat opened unasked; a petugas is offered.
        return replace(stay(situation, [say("menu.complaint")]), misses=0)
    if situation.flow in (None, "menu") and _GOOD_NEWS.search(" ".join(answers.words(turn.text))) \
            and not asks_something(turn.text):
        # "alhamdulillah kk sudah jadi", "matur nuwun, ktp kula sampun dados": news, never a status check or a "when".
        return replace(stay(situation, [say("menu.good_news")]), misses=0)

    if situation.flow in (None, "menu") and never_mind_aside(turn.text):
        # "gak usah dicatet", "ora usah diterusno": nothing to drop, and never a stop of reminders.
        return replace(stay(situation, [say("menu.never_mind")]), misses=0)
    registering = _registration_with_schedule_question(registry, situation, turn)
    if registering is not None:
        return registering
    said_both = _answer_with_question(registry, situation, turn, ask)
    if said_both is not None:
        return said_both
    if not situation.in_handoff and asks_about_the_wait(turn.text):
        # Nobody could take the chat yet: its ticket waits for working hours, and the resident asks when.
        waiting = next((i for i in turn.facts.open_items_of_resident() if isinstance(i, TicketView) and i.visit is None),
                       None)
        if waiting is not None:
            return replace(stay(situation, [say("handoff.wait_queued", kode=waiting.kode), wait_answer(turn.now)]),
                           misses=0)
    outside = _outside_question(situation, turn)
    if outside is not None:
        return outside
    both = _proposal_with_questions(registry, situation, turn, ask)
    if both is not None:
        return both

    if asks_for_a_number(turn.text) and not ask.free_text and turn.choice is None and not info.gives_a_number(turn):
        # "nomer hp inseminator KPSP Setia Kawan piro?" after a sourced answer: the data has no such number;
        # said honestly with where to find it — never a guess of another intent.
        mid_flow = situation.flow not in (None, "menu")
        return replace(stay(situation, [say("info.no_number"), *([say("info.back_to_question")] if mid_flow else [])]),
                       misses=0)
    answered = _sourced(registry, situation, turn, ask) or _own_requirements(situation, turn)
    if answered is not None:
        if not _clear_request(turn) or info.topic_of(turn.text) == "darurat":
            # An urgent need ("daftar IB, sapine birahi") is answered with who helps now: a request
            # for a visit weeks away would only mislead.
            return answered
        # A request in its own words beside the question ("mau daftar ktp, boleh diwakilkan anak saya?"):
        # the answer first, then the request goes on (its question last) — neither is dropped.
        outcome = dispatch(registry, situation.flow, situation.state, turn)
        if not outcome.understood:
            return answered
        return replace(outcome, replies=[answered.replies[0], *outcome.replies], misses=0)
    if later_again(turn.text) and not (ask.choices is not None and turn.pick(ask.choices)):
        mid_flow = situation.flow not in (None, "menu")
        return replace(stay(situation, [say("menu.again_later"), *([say("info.back_to_question")] if mid_flow else [])]),
                       misses=0)
    if _question_at_short(ask, turn.text) and not _said_change_of_mind(turn.text):
        # "kapan kenduren nang gempol?" at the name question: answered when the bot can, else said so;
        # the question is asked again and nothing is stored.
        kecamatan = turn.entities.get("kecamatan")
        answer = (schedule_cards(turn.facts.next_visit_to(kecamatan))
                  if turn.intent == "jadwal" and turn.confidence >= CONFIDENT and kecamatan else [])
        if not answer:  # the nearest sourced question, when sure
            key, score = info.nearest_question(turn)
            sourced = info.answer_by_key(turn, key) if key and not key.startswith("@") and score >= info.SURE else None
            answer = [sourced] if sourced is not None else []
        return replace(stay(situation, [*(answer or [say("menu.question_aside")]), *_ask_again(registry, situation, turn)]),
                       misses=0)

    kindly = closing_reply(ask, turn.text) or _thanks_with_courtesy(as_said, ask)
    if kindly is not None:
        return stay(situation, [kindly])

    if ask.free_text and command_of(turn.text) is None:
        switched = _change_of_mind(registry, situation, turn)
        if switched is not None:
            return switched

    in_context = _schedule_in_context(registry, situation, turn, ask)
    if in_context is not None:
        return in_context
    outcome = dispatch(registry, situation.flow, situation.state, turn)
    if not outcome.understood and situation.flow in registry.flows and command_of(turn.text) is None:
        # The step could not use it: a change of mind the engine was not sure enough of alone?
        outcome = _change_of_mind(registry, situation, turn) or outcome
    unanswered = _unanswered_question(registry, rules, situation, turn, outcome)
    if unanswered is not None:
        return unanswered
    if (not outcome.understood and situation.flow not in (None, "menu") and ask.choices is not None
            and turn.choice is None and turn.nlu is not None and asks_something(turn.text)):
        # A question at a choice ("dadi tanggal piro iku?" at "Setuju? 1. Ya 2. Tidak"): answered where the bot
        # can, else said so — then the question again. Never the prompt alone, unchanged; and no miss.
        return replace(outcome, replies=[*_aside_answer(turn, turn.text), *outcome.replies], misses=situation.misses)
    if outcome.understood:
        return replace(outcome, misses=0)
    misses = situation.misses + 1
    if misses >= rules.misses_before_offer:
        # Keep the resident's place: a valid answer to the last question still works. Offered
        # again, the question's own hint comes back with a short reminder of the offer (the same
        # apology word for word reads like a machine stuck) — unless the hint has numbered options
        # of its own: one numbered list per message, or "1" would mean two things.
        if misses == rules.misses_before_offer:
            return replace(outcome, replies=[say("menu.offer_petugas", options=OFFER_HELP.labels())], misses=misses)
        hint = [] if any(_has_options(r) for r in outcome.replies) else list(outcome.replies)
        return replace(outcome, replies=[*hint, say("menu.offer_petugas_again", options=OFFER_HELP.labels())],
                       misses=misses)
    return replace(outcome, misses=misses)


# — a clear question nothing answered ——————————————————————————————————————————————————————————————
#
# "kalo ga dateng pas jadwalnya, tiket hangus ga?", "ada yg bls gak ya jam sgini", "ada imunisasi campak?": a
# question no topic pattern caught, which the engine would answer with the menu, a schedule card nobody asked
# for, or a stop prompt. The nearest question of the examples (flows/info.py) answers it when sure, is
# offered when near ("Maksud Anda …?"), and otherwise the bot says it cannot answer yet and offers a petugas.
QUESTION_STATE = "confirm_question"
QUESTION_MEANT = choices(("yes", say("opt.question_yes")), ("no", say("opt.question_no")), yes="yes", no="no")
ASKED = "asked"  # the slot of the question not answered, for the petugas who then takes it
# Words that ask the schedule itself (when, where, what hours): such a question's schedule card is its answer.
_ASKS_SCHEDULE = re.compile(
    r"\b(?:kapan|kpn|kapa|jadwal\w*|tanggal\w*|tgl|hari apa|dino opo|dinten menapa|jam|pukul|buka\w*|bukak\w*|tutup\w*|"
    r"mulai|dimana|di mana|mana|nandi|ngendi|endi|ndi|pundi|lokasi\w*|tempat\w*|alamat\w*|dimma|dhimma|bila|ila|"
    r"minggu (?:iki|ini|ngarep|depan)|besok|sesuk|mbenjing)\b", re.IGNORECASE)
# A question without "?" or a question word first: "ada yg bls gak ya jam sgini", "onok imunisasi ta nang kono".
_QUESTIONISH = re.compile(
    r"\b(?:apa|apakah|opo|nopo|napa|menapa|ponapa|kapan|piye|pripun|gimana|gmn|bagaimana|berapa|brp|piro|pinten|"
    r"siapa|sopo|sinten|kenapa|ngapa|ngopo|kok|mana|ngendi|pundi|endi|nandi|bisakah|bolehkah|kah)\b"
    r"|\b(?:gak|ga|gk|nggak|ngga|ndak|ora|tidak|mboten|enggak|ta')\s+(?:ya|yo|sih|se|toh|to|tah)\b", re.IGNORECASE)


def asks_something(text: str) -> bool:
    return answers.is_question(text) or bool(_QUESTIONISH.search(" ".join(answers.words(text))))


# Outcomes that answer no question: the menu, "not understood", an unsure "did you mean", a stop prompt.
_NO_ANSWER_FLOWS = frozenset({"berhenti"})
VISIT_ENTITIES = ("kecamatan", "desa", "waktu", "aspek", "opd", "layanan")


def _falls_through(outcome: Outcome, turn: Turn) -> bool:
    if not outcome.understood:
        return True
    if outcome.flow == "menu" and outcome.state in ("choose", "confirm_intent"):
        return turn.intent != "sapaan" or turn.confidence < CONFIDENT
    if outcome.flow in _NO_ANSWER_FLOWS:
        return True
    # The schedule flow with nothing of a visit named (a place, a day, a dinas, what of the visit is asked):
    # the upcoming visits (or the resident's own), asked or not.
    return outcome.flow == "jadwal" and not any(turn.entities.get(k) for k in VISIT_ENTITIES)


def _unanswered_question(registry: Registry, rules: Rules, situation: Situation, turn: Turn,
                         outcome: Outcome) -> Outcome | None:
    """A clear question outside any flow that the engine's outcome does not answer: the nearest sourced
    question when sure, "maksud Anda …?" when near, else "cannot answer yet" with a petugas offered.
    None: the outcome stands (a schedule question gets its card)."""
    informing = (situation.flow in registry.flows and not leaves_something(registry.flows[situation.flow])
                 and not outcome.understood)  # "kecamatan mana?" of the schedule, answered with a question
    if ((situation.flow not in (None, "menu") and not informing) or turn.choice is not None or not turn.text
            or not asks_something(turn.text) or command_of(turn.text) is not None):
        return None
    # "klo sy ga jadi dtg, tiket sy hangus ato gmn?" from a number without tickets was read as STATUS ("Belum ada
    # tiket"): that answer stands unless a sourced question is surely what was asked.
    no_items = bool(outcome.replies) and getattr(outcome.replies[0], "key", None) == "status.none"
    if not (_falls_through(outcome, turn) or no_items):
        return None
    key, score = info.nearest_question(turn)
    if no_items:
        sure = key is not None and not key.startswith("@") and score >= info.SURE
        if key == "denda.tidak_datang":  # "tiketku piye?" stays a status question: not coming must be said
            sure = sure and "datang" in info.normalised(turn).split()
        return _answer_key(situation, turn, key) if sure else None
    if key == info.SCHEDULE and score >= info.SURE:
        return None
    if turn.intent == "bantuan" and key == "program.umum" and score >= info.NEAR:
        return None  # "Kenduren Mas itu apa?": the programme, with the menu of what it does
    if key is not None and score >= info.SURE:
        answered = _answer_key(situation, turn, key)
        if answered is not None:
            return answered
    if key is not None and score >= info.NEAR and not key.startswith("@"):
        question = info.question_label(turn, key)
        if question:
            return Outcome([say("info.did_you_mean", question=question, options=QUESTION_MEANT.labels())], "menu",
                           QUESTION_STATE, {"question_key": key, ASKED: turn.text}, misses=0)
    if outcome.flow == "jadwal" and (_ASKS_SCHEDULE.search(" ".join(answers.words(turn.text)))
                                     or asks_nearest(turn.text)):
        return None  # "jam piro bukak e?": the schedule it asks
    if _ASKS_TO_BRING.search(turn.text) and not turn.entities.get("layanan"):
        # "lha iku kudu nggowo opo" after a schedule card: what to bring depends on the service — asked, as "kapan
        # jadi" is; never "belum bisa saya jawab".
        return Outcome([say("info.which_service", topic=say("info.topic.syarat"))], situation.flow, situation.state,
                       dict(situation.slots), misses=0)
    return cannot_answer(rules, turn.text)


# What to bring or what is required, asked without a service.
_ASKS_TO_BRING = re.compile(r"\b(?:syarat\w*|persyaratan\w*|bawa\w*|gowo\w*|nggowo\w*|digowo\w*|beto|betah|beta|mbeta|"
                            r"ngibe|ngiba|ngeba|dibutuhkan|berkas\w*)\b", re.IGNORECASE)


# A complaint, in any register: how it felt ("kecewa", "mangkel", "nggondok", "capek"), how the service was
# ("suwi banget", "judes", "ribet", "lelet", "gak dilayani", "dipingpong") — said, not asked.
_COMPLAINT = re.compile(
    r"\b(?:kecewa\w*|mengecewakan|ngecewakno|kesel|kesal|jengkel|mangkel|nggondok|dongkol|marah|nesu|sebel|sebal|"
    r"capek|kesel\s+aku|judes|jutek|galak|kasar|sombong|(?:gak|ga|tidak|ora|ndak|nggak|kurang|mboten)\s+(?:ramah|sopan|"
    r"dilayani|diladeni|dipun\s+layani|profesional|jelas\s+blas)|ribet\w*|ruwet\w*|mbulet\w*|berbelit\w*|lelet|lemot|"
    r"lambat\s+(?:banget|sekali|pol)|(?:suwi|lama|lami|suwe)\s+(?:banget|bgt|sekali|pol|nemen|temen|sanget)|dipingpong|"
    r"dilempar\w*\s+(?:ke\s+)?sana\s+sini|diping\s*pong|pungli|dipalak|dimintai\s+(?:uang|duit)|"
    r"parah\s+(?:banget|pol|pelayanan\w*)|pelayanan\w*\s+(?:buruk|jelek|elek|parah|amburadul|kacau))\b", re.IGNORECASE)


_GOOD_NEWS = re.compile(r"\b(?:sudah|udah|wis|wes|uwis|sampun|dah|la|ampon)\s+(?:jadi|jd|dadi|dados|rampung|selesai|beres|terbit|"
                        r"dicetak|diambil|dijupuk|mari|lancar|dapat|oleh|angsal|olle)\b")


def is_complaint(turn: Turn) -> bool:
    """A complaint or venting, not a question the bot could answer: the complaint words, and no question asked
    beyond a sigh ("kok ribet banget to", "kapan pemerintah peduli" are the complaint's own)."""
    norm = " ".join(answers.words(turn.text))
    if not _COMPLAINT.search(norm):
        return False
    return not answers.is_question(turn.text) or bool(re.search(r"\bkok\b|\bpeduli\b", norm))


def _about_the_bot(situation: Situation, turn: Turn) -> Outcome | None:
    """Before any intent may take it: whether a person reads the chat now ("wis bengi ngene isih ono sing mbales
    ta?", read as a wish for a petugas, opened a chat nobody asked for) and a kepala desa's request for the
    announcement ("nyuwun teks pengumuman kagem grup warga"). Outside flows only; never a call for a person."""
    if situation.flow not in (None, "menu") or not turn.text or turn.choice is not None or command_of(turn.text):
        return None
    if asks_if_someone_reads(turn.text) and info.topic_of(turn.text) != "darurat":
        # By its words, too, where no example is near ("menawi jam samenika taksih wonten petugas ingkang maos?",
        # "bedeh oreng se maca ta?"); an urgent need is answered with who helps now instead.
        return replace(_answer_key(situation, turn, info.REPLIES), misses=0)
    kades = turn.resident.role == "kades"
    if turn.resident.role in STAFF_WHO_FORWARD and asks_about_announcements(turn.text):
        # A kepala desa's / camat's follow-up ("kapan dikirim?", "kapan kami terima pesannya", "mbenjang kapan
        # kintunanipun?", "bisa minta teksnya sekarang"): their announcements, never the queue or a miss.
        answer = staff_announcement(turn)
        if answer is not None:
            return Outcome([answer], None, None, {ANSWERED: "forwarding"}, misses=0)
    if not (asks_something(turn.text) or kades) or _WANTS_PERSON.search(" ".join(answers.words(turn.text))):
        return None
    key, score = info.nearest_question(turn)
    if score < info.SURE or key not in (info.REPLIES, info.ANNOUNCEMENT):
        return None
    if key == info.REPLIES and not asks_something(turn.text):
        return None
    return replace(_answer_key(situation, turn, key), misses=0)


# The staff who receive messages written to forward: a kepala desa (to the residents' groups, with the desa's
# link) and a camat (to the kepala desa).
STAFF_WHO_FORWARD = ("kades", "camat")
_WHEN = re.compile(r"\b(?:kapan|kpn|kapankah|bila|bilaan|tanggal\s+(?:berapa|piro|pinten)|jam\s+(?:berapa|piro|pinten)|"
                   r"kok\s+(?:belum|durung|dereng)|belum|durung|dereng|mbenjang|besok)\b")
_SENT = re.compile(r"\b(?:\w*kirim\w*|\w*kintun\w*|terima|nerima|diterima|nampi|tampi|dikirimi|teka|tekan|"
                   r"pengumuman\w*|woro\w*|pesan\w*|pesen\w*|teks\w*|text\w*|brosur|pengingat\w*|pangeling\w*)\b")
_TEXT = re.compile(r"\b(?:teks\w*|text\w*|pengumuman\w*|woro\w*|brosur|materi\w*)\b")
_NOW = re.compile(r"\b(?:minta|mintak|njaluk|nyuwun|tulung|tolong|kirim\w*|kintun\w*|sekarang|skrg|saiki|sakniki|"
                  r"saiki|duluan|luwih\s+ndisik|lebih\s+awal|dulu)\b")


def asks_about_announcements(text: str) -> bool:
    """When the messages to forward come, or their text now: "kapan dikirim?", "kapan kami terima pesannya",
    "mbenjang kapan kintunanipun pak?", "bisa minta teksnya sekarang", "teks e isok dikirim saiki?"."""
    norm = " ".join(answers.words(text))
    return bool((_WHEN.search(norm) and _SENT.search(norm)) or (_TEXT.search(norm) and _NOW.search(norm)))


# (still ahead, all sent, no visit planned) per role.
_ANNOUNCEMENT_KEYS = {
    "kades": ("staf.announcement_kades", "staf.announcement_kades_sent", "staf.announcement_kades_unplanned"),
    "camat": ("staf.announcement_camat", "staf.announcement_camat_sent", "staf.announcement_camat_unplanned"),
}


def staff_announcement(turn: Turn) -> Say | None:
    """A kepala desa's or camat's announcements: the next visit to their kecamatan, when the messages to forward
    reach this number, and a kepala desa's desa link."""
    own = turn.facts.own_announcements()
    if own is None:
        return None
    sends = "; ".join(f"{tanggal(at.date())} pukul {jam(at.time())} WIB" for at in own.sends)
    ahead, sent, unplanned = _ANNOUNCEMENT_KEYS[own.role]
    if own.visit is None:
        text = say(unplanned, kecamatan=own.kecamatan)
    elif not own.sends:
        text = say(sent, kecamatan=own.kecamatan, tanggal=own.visit.tanggal_text)
    else:
        text = say(ahead, kecamatan=own.kecamatan, tanggal=own.visit.tanggal_text, kirim=sends)
    if own.role == "kades" and own.desa:
        link = say("staf.announcement_link", desa=own.desa, link=own.link) if own.link else say(
            "berhenti.link_in_reminders", desa=own.desa)
        return say("staf.announcement_with_link", text=text, link=link)
    return text


def cannot_answer(rules: Rules, text: str) -> Outcome:
    """Said honestly, with a petugas offered: "1"/"ya" then opens a chat carrying the question."""
    return Outcome([say("info.cannot_answer", options=OFFER_HELP.labels())], None, None, {ASKED: text},
                   misses=rules.misses_before_offer)


def _answer_key(situation: Situation, turn: Turn, key: str) -> Outcome | None:
    """The answer of one key of the examples: a sourced answer, or the bot's own (who reads the chat, when, and
    a kepala desa's announcement)."""
    if key == info.REPLIES:
        opens = WorkingCalendar().add(turn.now, timedelta(0))
        if opens - turn.now < timedelta(minutes=1):
            return Outcome([say("info.replies_in_hours")], None, None, {})
        return Outcome([say("info.replies_after_hours", hari=tanggal(opens.date()), jam=jam(opens.time()))], None, None, {})
    if key == info.ANNOUNCEMENT:
        answer = staff_announcement(turn) if turn.resident.role in STAFF_WHO_FORWARD else None
        if answer is not None:
            return Outcome([answer], None, None, {ANSWERED: "forwarding"})
        if turn.resident.role == "kades":
            return Outcome([say("info.announcement_kades")], None, None, {})
        return Outcome([say(FORWARDING_HELP.get(turn.resident.role or "", "berhenti.forwarding_resident"))], None, None, {})
    if key.startswith("@"):
        return None
    answer = info.answer_by_key(turn, key)
    if answer is None:
        return None
    return Outcome([answer], None, None, context_of(situation.slots))


def _question_meant(registry: Registry, rules: Rules, situation: Situation, turn: Turn) -> Outcome | None:
    """At "Maksud Anda …? 1. Ya 2. Bukan, tanya petugas": the answer, or the petugas offered with the question."""
    picked = turn.pick(QUESTION_MEANT)
    key, asked = situation.slots.get("question_key"), situation.slots.get(ASKED) or ""
    if picked == "yes" and key:
        answered = _answer_key(situation, replace(turn, text=asked), key)
        if answered is not None:
            return answered
    if picked in ("yes", "no"):
        return replace(start(registry, "petugas", replace(turn, text=asked or turn.text),
                             {"handoff_reason": "tidak_paham"}), misses=0) if picked == "no" else cannot_answer(rules, asked)
    return None


# While a petugas holds (or is awaited in) the chat, what the bot answers itself: a clear question of
# these intents ("kenduren ke pandaan kapan?" at 23:40 on a Sunday). The petugas sees it in the history.
# Clear = it names what the answer is about (a kecamatan or desa, a ticket code): "jam piro bukane?"
# alone may be about what the petugas said, and goes to them.
ANSWERED_IN_HANDOFF = {"jadwal": ("kecamatan", "desa"), "cek_status": ("kode",)}
# A question of what to bring ("syarat e KK opo ae?", "gowo opo?", "betah napa mawon?").
_ASKS_REQUIREMENTS = re.compile(r"\b(?:syarat\w*|persyaratan\w*|bawa\w*|gowo\w*|nggowo\w*|beto|betah|beta|mbeta|ngibe|ngiba|"
                                r"ngeba|dibutuhkan|perlu apa|"
                                r"apa saja|opo ae|napa mawon|berkas\w*|dokumen\w*)\b", re.IGNORECASE)
ASIDE = "handoff_aside"  # the slot of a bot answer given mid-chat: only a pick of its options goes on


# "berarti sesuk isuk dibales yo?", "kapan petugase mbales?", "sampun dipun waos dereng?": a question about
# the wait, answered with when a person reads it (the chat stays with the petugas).
_ASKS_WAIT = re.compile(r"\b(?:di)?(?:bal[ae]s\w*|bales\w*|jawab\w*|respon\w*|baca|waca|woco|waos|tanggapi|wangsuli|"
                        r"tindaklanjuti)\b|\bmbal[ae]s\w*|\bkapan\b.*\b(?:petugas\w*|wong\w*|tiyang\w*|admin\w*)\b"
                        r"|\b(?:petugas\w*|admin\w*)\b.*\b(?:kapan|suwe|sue|lama|sui|dangu)\b", re.IGNORECASE)


# "jam segini masih ada petugas yang baca?", "jam semene iki onok petugas sing moco ta?", "wonten petugas
# ingkang jagi?", "bedeh oreng se maca?": whether a person is there, asked — not a request for one.
_THERE = r"\b(?:ada|ad|ono|onok|onk|enek|enok|wonten|wnten|bedeh|bada|masih|msh|masi|isih|tasih|gik|sek)\b"
_PERSON = r"\b(?:petugas\w*|orang|wong|tiyang|oreng|admin\w*|operator|pegawai\w*|manusia|sing\s+jaga|yang\s+jaga)\b"
_SOMEONE_THERE = re.compile(_THERE + r".*" + _PERSON + r"|" + _PERSON + r".*" + _THERE, re.IGNORECASE)
# … reading, answering or on duty now ("yang baca", "sing moco", "ingkang maos", "se maca", "yg bls", "sing jaga").
_READS = re.compile(r"\b(?:baca|bc|moco|maca|maos|waos|bales|bls|balas|bales\w*|bal[ae]s\w*|jawab\w*|respon\w*|jaga|"
                    r"jogo|jagi|piket|standby|online|on|melek|tangi|aktif|kerja|nyambut)\b", re.IGNORECASE)
_ASKS_FOR_PERSON = re.compile(r"\b(?:minta|njaluk|nyuwun|tolong|sambung\w*|hubungkan|pengen|pingin|ingin|mau|arep|ajeng|"
                              r"badhe|terro|bicara|ngomong|ngobrol|matur)\b", re.IGNORECASE)


def asks_if_someone_reads(text: str) -> bool:
    """A question whether a person reads the chat now, not asking to be connected (that is PETUGAS)."""
    norm = " ".join(answers.words(text))
    asked = answers.is_question(text) or norm.split()[-1:] in (["ta"], ["tah"], ["to"], ["a"], ["kah"])
    return (asked and bool(_SOMEONE_THERE.search(norm)) and not _ASKS_FOR_PERSON.search(norm)
            and (bool(_READS.search(norm)) or len(norm.split()) <= 4))


# "gak usah dicatet", "ora usah diterusno", "mboten usah dipun serat": a never-mind about something the bot
# offered or noted. Said with messages ("gak usah kirim pesen maneh") it is a stop, read elsewhere.
_NEVER_MIND_LEAD = re.compile(r"^(?:gak|ga|gk|nggak|ngga|enggak|ndak|nda|ora|ra|mboten|boten|tidak|tdk|tak|ta|nda')\s*usah\b"
                              r"|^gausah\b|^gak\s*perlu\b|^tidak\s*perlu\b|^ora\s*perlu\b", re.IGNORECASE)
_ABOUT_MESSAGES = re.compile(r"\b(?:kirim\w*|pesan\w*|pesen\w*|pengingat\w*|ngingetno|ingetno|sms|wa|whatsapp|chat|"
                             r"hubungi|kabari|dikabari|ngabari|informasi|info)\b", re.IGNORECASE)


def never_mind_aside(text: str) -> bool:
    norm = " ".join(t for t in answers.words(text) if t not in answers.FILLERS)
    return bool(_NEVER_MIND_LEAD.match(norm)) and len(norm.split()) <= 5 and not _ABOUT_MESSAGES.search(norm)


def asks_about_the_wait(text: str) -> bool:
    return answers.is_question(text) and bool(_ASKS_WAIT.search(" ".join(answers.words(text))))


def wait_answer(now) -> Say:
    """When a person will read the chat: within working hours soon, else the next opening (holidays off)."""
    opens = WorkingCalendar().add(now, timedelta(0))
    if opens - now < timedelta(minutes=1):
        return say("handoff.wait_in_hours")
    return say("handoff.wait_after_hours", hari=tanggal(opens.date()), jam=jam(opens.time()))


def _in_handoff(registry: Registry, rules: Rules, situation: Situation, turn: Turn) -> Outcome:
    relay = Outcome([], None, None, {}, [RelayToPetugas(text=turn.text, media_url=turn.media_url,
                                                        location=turn.location)], misses=situation.misses)
    if turn.text and asks_about_the_wait(turn.text):
        # The question and whatever else it says ("… aku butuh aktane") reach the petugas; the resident
        # learns when they will be read. Nothing new is started.
        return replace(relay, replies=[wait_answer(turn.now)])
    flow = registry.flows.get(situation.flow or "")
    if flow is not None:
        asked = flow.ask(situation.state).choices
        if not situation.slots.get(ASIDE) or (asked is not None and turn.pick(asked) is not None):
            # The resident took up the bot's offer (or is mid-way in a flow they chose): the bot goes on.
            slots = {k: v for k, v in situation.slots.items() if k != ASIDE}
            outcome = dispatch(registry, situation.flow, situation.state, replace(turn, slots=slots))
            if outcome.understood:
                return _noted(replace(outcome, misses=0), turn, situation.flow)
    target = registry.by_intent.get(turn.intent)
    sourced = info.sourced_answer(turn, in_handoff=True) if turn.text else None
    if sourced is not None and sourced.key == "info.sourced":
        # Answered from the sourced data; one it cannot answer ("belum ada di data kami") is the petugas'.
        return _noted(Outcome([sourced], None, None, {}), turn, "info")
    service = turn.entities.get("layanan")
    lay = turn.facts.layanan(service) if service and _ASKS_REQUIREMENTS.search(turn.text) else None
    if lay is not None:  # "syarat e KK opo ae?": the list, without starting a registration mid-chat
        return _noted(Outcome([say("info.requirements_in_handoff", layanan=lay.nama_pendek, opd=lay.opd.singkatan,
                                   syarat=requirement_lines(lay))], None, None, {}), turn, "layanan")
    named = any(turn.entities.get(k) for k in ANSWERED_IN_HANDOFF.get(turn.intent, ()))
    # Only a question: "kula tiyang gempol, KTP kula rusak" tells the petugas something, and gets no schedule card.
    asked = answers.is_question(turn.text) or bool(turn.nlu and turn.intent in turn.nlu.said_requests(turn.text))
    if target and named and asked and turn.confidence >= CONFIDENT and not answers_the_question(turn.text):
        outcome = start(registry, target, turn, context_of(situation.slots))
        asks = registry.flows[outcome.flow].ask(outcome.state) if outcome.flow in registry.flows else None
        # An answer, perhaps with offers to pick from; not a question back ("kecamatan mana?"), which
        # would take the resident's next words (meant for the petugas) as its answer.
        if outcome.understood and (asks is None or (asks.choices is not None and not asks.free_text)):
            slots = {**outcome.slots, ASIDE: True} if outcome.flow else {}
            return _noted(replace(outcome, slots=slots, misses=0), turn, target)
    return relay


def _noted(outcome: Outcome, turn: Turn, topic: str) -> Outcome:
    """A bot answer mid-chat: the ticket's history and its petugas get the question and the answer."""
    return replace(outcome, effects=[*outcome.effects, NoteInHandoff(text=turn.text, topic=topic,
                                                                     answer=tuple(outcome.replies))])


# At the survey's comment (free text), only a request this sure, of these intents, is not the comment.
SURVEY_COMMENT_SWITCH = 0.9
SURVEY_ASIDE_INTENTS = ("jadwal", "cek_status", "antrean", "daftar_layanan", "usulan", "langganan", "petugas")


def _survey_aside(registry: Registry, rules: Rules, situation: Situation, turn: Turn) -> Outcome | None:
    """The survey never makes another message misread: at the rating, anything that is no rating (nor
    thanks) is read afresh as if no survey were asked, never a miss; at the comment, a clear request
    ("kapan ke gempol?") saves the rating without a comment and is answered. None: the survey's answer."""
    idle = replace(situation, flow=None, state=None, slots={}, misses=0)
    if situation.state == "rating":
        if turn.rating() is not None or answers.is_thanks(turn.text) or answers.is_closing(turn.text):
            return None
        return _decide(registry, rules, idle, turn)
    if situation.state == "comment":
        sure = (turn.intent in SURVEY_ASIDE_INTENTS and turn.confidence >= SURVEY_COMMENT_SWITCH
                and not answers_the_question(turn.text)) or command_of(turn.text) is not None
        kode, rating = situation.slots.get("ticket_kode"), situation.slots.get("rating")
        if not sure or not kode or rating is None:
            return None
        fresh = _decide(registry, rules, idle, turn)
        return replace(fresh, effects=[SaveSurvey(ticket_kode=kode, rating=rating, comment=None), *fresh.effects])
    return None


# The requests a question around a service never pre-empts when the message also says them in their own words.
REQUESTS_BESIDE_QUESTIONS = ("daftar_layanan", "langganan", "cek_status", "jadwal", "usulan")


def _clear_request(turn: Turn) -> bool:
    """The message is a request as well as a question: the recogniser is sure of a request intent and
    the message says it in that request's own words ("daftar", "ingetno", "status"), or names what it is
    for (a kecamatan for the schedule, a ticket code for its status). A question alone ("KTP boleh
    diwakilkan?", read as a registration by the model) is no request."""
    if turn.intent not in REQUESTS_BESIDE_QUESTIONS or turn.confidence < CONFIDENT or turn.nlu is None:
        return False
    if turn.intent == "usulan" and asks_about_own_proposal(turn.text):
        return False  # "usulan kula dipun tindaklanjuti kapan?" asks about the one sent, starts none
    if turn.intent in turn.nlu.said_requests(turn.text):
        return True
    if turn.intent == "daftar_layanan" and registers_someone(turn.text):
        return True  # "kula badhe ndaftaraken ibu kula KK, … saged dipun wakili?": the question and the registration
    if turn.intent == "jadwal":
        return turn.entities.get("kecamatan_asal") == KECAMATAN_NAMED
    return turn.intent == "cek_status" and bool(turn.entities.get("kode"))


def _registration_with_schedule_question(registry: Registry, situation: Situation, turn: Turn) -> Outcome | None:
    """A registration said in its own words with a service, and a when/where question naming a kecamatan, in one
    message ("daftarno ae sy ktp rusak. kpn nang tutur?", "badhe ndaftar KK, mbenjang wonten Tutur kapan?"):
    neither is dropped. The registration starts with the service and that kecamatan as the visit, and its first
    reply is the kecamatan's next visit (date, hours, place): the question's answer, inline."""
    if situation.flow not in (None, "menu", "jadwal") or turn.nlu is None or turn.choice is not None:
        return None
    if not (turn.entities.get("layanan") and turn.entities.get("kecamatan")
            and turn.entities.get("kecamatan_asal") == KECAMATAN_NAMED):
        return None
    if "daftar_layanan" not in turn.nlu.said_requests(turn.text) and not registers_someone(turn.text):
        return None
    if not (_ASKS_SCHEDULE.search(" ".join(answers.words(turn.text))) and asks_something(turn.text)):
        return None
    asked = replace(turn, intent="daftar_layanan", confidence=1.0)
    return replace(start(registry, "layanan", asked, context_of(situation.slots)), misses=0)


def _sourced(registry: Registry, situation: Situation, turn: Turn, ask: Ask) -> Outcome | None:
    """A question around a service ("boleh diwakilkan?", "fotokopi piro?", "sapi birahi"): answered from
    the sourced reference in one message, keeping the resident's place. Never where typed content is
    the answer (a note, a proposal), nor where the message picks an option of the question asked."""
    if (ask.free_text and not _question_at_short(ask, turn.text)) or situation.flow in ("hapus_data", "berhenti", "survei"):
        return None
    # A number picks an option; a question ending in a tag word ("KB bayar mboten?", "oleh ora?") is
    # still a question, not the no of a yes/no question.
    if turn.choice is not None or info.topic_of(turn.text) is None:
        return None
    said = _each_sourced(turn)
    if not said:
        return None
    answer, *more = said
    mid_flow = situation.flow not in (None, "menu")
    if mid_flow and _question_at_short(ask, turn.text):  # the name question asked again in its own words
        return replace(stay(situation, [*said, *_ask_again(registry, situation, turn)]), misses=0)
    named = info.named_service(turn)
    if named and not mid_flow:  # "ketik PETUGAS" after it goes to that service's dinas
        situation = replace(situation, slots={**situation.slots, "layanan": named})
    return replace(stay(situation, [answer, *more, *([say("info.back_to_question")] if mid_flow else [])]), misses=0)


_QUESTION_ENDS = re.compile(r"(?<=[?!.;\n])\s*")


def _each_sourced(turn: Turn) -> list[Say]:
    """Each question of the message answered ("anak saya bisa wakilin? fotokopi KK perlu berapa lembar?": who
    may come, and how many copies) — each read with its own words, so a document named in one is not the
    service of the other. One question: the answer to the whole message."""
    parts = [p for p in (c.strip() for c in _QUESTION_ENDS.split(turn.text)) if p.strip(" ?!.;")]
    topics = [info.topic_of(p) for p in parts]
    if turn.nlu is None or len([t for t in topics if t]) < 2 or len(set(t for t in topics if t)) < 2:
        answer = info.sourced_answer(turn)
        return [answer] if answer is not None else []
    said: list[Say] = []
    for part, topic in zip(parts, topics):
        if topic is None:
            continue
        heard = turn.nlu.understand(part)
        answer = info.sourced_answer(replace(turn, text=part, intent=heard.intent, entities=dict(heard.entities),
                                             confidence=heard.confidence))
        if answer is not None and answer not in said:
            said.append(answer)
    return said


# "kl nanti mau daftar lg bs kan?", "mbesuk yen arep ndaftar maneh isih iso to?" (after erasing one's data, or
# any time): whether one may come back later is a question, answered — never a request started now.
_LATER = r"(?:nanti|ntar|entar|ntr|mengko|engko|mangke|mbesuk|mbesok|besok|sesuk|benjing|mbenjing|kapan[- ]?kapan|kapan2|lain kali|lain waktu|suatu saat|sewaktu[- ]waktu|lek|kalau|kalo|klo|kl|yen|nek|menawi|mun)"
_AGAIN = r"(?:lagi|lg|maneh|meneh|malih|kembali|balik|pole|pole')"
_CAN = r"(?:bisa|bs|iso|isa|saged|boleh|oleh|olih|angsal|olle|kan|to|toh|tah|ta|a)"
_LATER_AGAIN = re.compile(r"\b" + _LATER + r"\b.*\b" + _AGAIN + r"\b.*(?:\b" + _CAN + r"\b|\?)", re.IGNORECASE)


def later_again(text: str) -> bool:
    """A question whether the resident may come back later ("nanti daftar lagi bisa kan?")."""
    return bool(_LATER_AGAIN.search(text)) and answers.number(text) is None


# Where an answer and a question meet in one message: a sentence end, a comma, or a "but / oh and" word
# ("nggih. tapi tanggal berapa?", "yg gempol aja kak. eh tp klo keluar antrian gimana").
_ANSWER_QUESTION_SPLIT = re.compile(
    r"(?<=[.?!;\n])\s*|,\s*|\s+(?=(?:tapi|tp|tpi|tapine|nanging|namung|cuma|cuman|mung|eh|oh\s+ya|oiya|terus|trus|lha|lah)\s)",
    re.IGNORECASE)


def _answer_with_question(registry: Registry, situation: Situation, turn: Turn, ask: Ask) -> Outcome | None:
    """A pick of the question asked and a question in one message, in either order ("nggih. tapi tanggal
    berapa ke Pandaan?" at a yes/no, "yg gempol aja kak. eh tp klo keluar antrian gimana" at the date
    choice): the question answered first (sourced, or the schedule), then the answer taken — neither is
    dropped, and the prompt is never repeated unchanged. None when the message is not both."""
    if (ask.free_text or turn.choice is not None or situation.in_handoff or not turn.text
            or situation.flow in (None, "survei") or turn.nlu is None):
        return None
    parts = [p.strip() for p in _ANSWER_QUESTION_SPLIT.split(turn.text) if p and p.strip(" ,.?!;")]
    for i in range(1, len(parts)):
        head, tail = " ".join(parts[:i]), " ".join(parts[i:])
        for answer, question in ((head, tail), (tail, head)):
            picked = replace(turn, text=answer, intent=OUT_OF_SCOPE, entities={}, confidence=0.0)
            if answers.is_question(answer) or not _is_a_question(question) or not _takes(registry, situation, picked, ask):
                continue
            said = _aside_answer(turn, question)
            outcome = dispatch(registry, situation.flow, situation.state, replace(picked, slots=turn.slots))
            if not outcome.understood:
                continue
            return replace(outcome, replies=[*said, *outcome.replies], misses=0)
    return None


def _takes(registry: Registry, situation: Situation, turn: Turn, ask: Ask) -> bool:
    """Whether these words alone answer the question asked (a pick of its choices, or a value its step takes)."""
    if ask.choices is not None and turn.pick(ask.choices) is not None:
        return True
    flow = registry.flows.get(situation.flow or "")
    if flow is None or situation.state not in flow.steps:
        return False
    return not flow.steps[situation.state](turn).unhandled


def _schedule_in_context(registry: Registry, situation: Situation, turn: Turn, ask: Ask) -> Outcome | None:
    """"menika tanggal pinten?" at a choice about Pandaan (naming no other kecamatan): the date of the visit
    in context, then the question again — not a switch to the schedule of every kecamatan."""
    if (situation.flow in (None, "menu") or ask.choices is None or turn.choice is not None or turn.nlu is None
            or not turn.slots.get("kecamatan") or turn.entities.get("kecamatan") or turn.pick(ask.choices) is not None
            or not asks_something(turn.text) or not _ASKS_SCHEDULE.search(" ".join(answers.words(turn.text)))
            or _takes(registry, situation, turn, ask)):  # "sing luwih gasik nang ndi?" at a visit card: the step's
        return None
    cards = schedule_cards(turn.facts.next_visit_to(turn.slots["kecamatan"]))
    if not cards:
        return None
    return replace(stay(situation, [*cards, *_ask_again(registry, situation, turn)]), misses=situation.misses)


def _is_a_question(text: str) -> bool:
    return answers.is_question(text) or info.topic_of(text) is not None


def _aside_answer(turn: Turn, question: str) -> list[Say]:
    """A question said beside an answer, answered where the bot can: from the sourced data, or the
    schedule of the kecamatan it names (else the one in context); otherwise said so (with PETUGAS)."""
    heard = turn.nlu.understand(question)
    asked = replace(turn, text=question, intent=heard.intent, entities=dict(heard.entities), confidence=heard.confidence)
    if info.topic_of(question) is not None:
        sourced = info.sourced_answer(asked)
        if sourced is not None:
            return [sourced]
    kecamatan = heard.entities.get("kecamatan") or turn.slots.get("kecamatan")
    schedule = (heard.intent == "jadwal" and heard.confidence >= CONFIDENT) or _ASKS_SCHEDULE.search(
        " ".join(answers.words(question)))
    if schedule and kecamatan:
        cards = schedule_cards(turn.facts.next_visit_to(kecamatan))
        if cards:
            return cards
    key, score = info.nearest_question(asked)
    if key is not None and score >= info.SURE and key != info.SCHEDULE:
        near = _answer_key(Situation(None, None, {}), asked, key)
        if near is not None:
            return list(near.replies)
    return [say("menu.question_noted_aside")]


# "nomer hp inseminator piro?", "no wa petugase pinten?", "minta kontak koperasi", "nomor telepon puskesmas?"
_ASKS_NUMBER = re.compile(r"\b(?:nomer|nomor|nmr|no|nomere|nomore|nomeripun|kontak\w*|contact)\s*(?:hp|wa|telp\w*|tlp|"
                          r"telepon\w*|telpon\w*|whatsapp|handphone|ponsel|kontak\w*)\b|\bkontak(?:nya|e|ipun)?\b",
                          re.IGNORECASE)


def asks_for_a_number(text: str) -> bool:
    return bool(_ASKS_NUMBER.search(" ".join(answers.words(text)))) and (
        answers.is_question(text) or bool(re.search(r"\b(?:minta|njaluk|nyuwun|tolong|butuh)\b", text, re.IGNORECASE)))


# A proposal recognised this surely, naming what it is about, is a proposal whatever else the message asks.
PROPOSAL_SURE = CONFIDENT
_CLAUSES = re.compile(r"[.?!;\n]+|,\s+")


def _proposal_with_questions(registry: Registry, situation: Situation, turn: Turn, ask: Ask) -> Outcome | None:
    """A proposal and a question in one message ("lampu PJU mati kabeh, nek diusulno kapan dibahas?",
    "dalan rusak parah, sekalian takon kenduren mas nang gempol kapan?"): each question answered (a
    sourced answer, or the schedule of the kecamatan named), then the proposal started from the rest of
    the words, its first question last so the next words answer it. None when the message is not both."""
    if (situation.flow not in (None, "menu") or ask.free_text or turn.nlu is None or not turn.text
            or not turn.entities.get("kategori") or not _CLAUSES.search(turn.text)):
        return None  # no proposal named, or one clause only: nothing to read twice
    said: list[Say] = []
    kept: list[str] = []
    for clause in (c.strip() for c in _CLAUSES.split(turn.text)):
        if not clause:
            continue
        heard = turn.nlu.understand(clause) if len(answers.words(clause)) >= 2 else None
        kecamatan = heard.entities.get("kecamatan") if heard else None
        if heard and heard.intent == "jadwal" and heard.confidence >= CONFIDENT and kecamatan:
            said.extend(schedule_cards(turn.facts.next_visit_to(kecamatan)))
            continue
        sourced = info.sourced_answer(replace(turn, text=clause), about_proposal=True) if heard else None
        if sourced is not None and sourced.key == "info.sourced":
            if sourced not in said:
                said.append(sourced)
            continue
        kept.append(clause)
    rest = ", ".join(kept)
    proposal = turn.nlu.understand(rest) if kept else None
    if proposal is None or proposal.intent != "usulan" or proposal.confidence < PROPOSAL_SURE \
            or not proposal.entities.get("kategori"):
        return None
    if not said:  # the question spans the clauses ("… tolong diusulno. biasane dibahas kapan?")
        whole = info.sourced_answer(turn, about_proposal=True) if turn.intent == "usulan" else None
        if whole is None or whole.key != "info.sourced":
            return None
        said.append(whole)
    asked = replace(turn, text=rest, intent="usulan", entities=dict(proposal.entities), confidence=proposal.confidence)
    outcome = dispatch(registry, situation.flow, situation.state, asked)
    if not outcome.understood or outcome.flow != usulan.FLOW.name:
        return None
    return replace(outcome, replies=[*said, *outcome.replies], misses=0)


# "bisa bicara dengan petugas dinsos?", "aku pengen ngomong karo wong capil": a person asked for (of that
# dinas), not a registration of its service.
_WANTS_PERSON = re.compile(
    r"\b(?:bicara|berbicara|ngomong|ngobrol|omong|omongan|ngendika|matur|hubungi|hubungkan|sambung\w*|telpon|telepon|"
    r"chat|ngechat)\b.*\b(?:petugas|operator|admin|orang|wong|tiyang|oreng|manusia|pegawai|staf|staff)\b"
    r"|\b(?:petugas|operator|orang|wong|manusia|pegawai)\b.*\b(?:bicara|ngomong|ngobrol|hubungi|sambung\w*)\b",
    re.IGNORECASE)
# "antreane tutup jam piro?", "sampai jam berapa antrean dibuka?": the visit's hours, not the live queue.
_QUEUE_HOURS = re.compile(r"\b(?:jam|pukul|sampai|sampe|tutup|buka|bukak|mulai)\b.*\b(?:berapa|brp|piro|pinten|pira|kapan)\b"
                          r"|\b(?:berapa|brp|piro|pinten|kapan)\b.*\b(?:tutup|buka|bukak|mulai|jam)\b", re.IGNORECASE)


# "usulanku", "usulan saya/kula/kulo/kaule/kami", "usulane aku", "usul kula wau": the resident's own proposal.
_OWN_PROPOSAL = re.compile(r"\busul\w*?(?:ku|e|ne|ipun|nya)?\s*(?:ku|saya|sy|aku|kula|kulo|kawula|kaula|kaule|engkok|"
                           r"kami|kita|kemarin|kemaren|wingi|wau|tadi|td|mau)\b|\busul(?:an)?ku\b|\busul(?:an)?e\s+(?:aku|kula)\b",
                           re.IGNORECASE)


def asks_about_own_proposal(text: str) -> bool:
    """A question about a proposal the resident sent (its status, when it is built), not a new one."""
    return answers.is_question(text) and bool(_OWN_PROPOSAL.search(" ".join(answers.words(text))))


def _read_again(turn: Turn) -> Turn:
    """Two readings the recogniser gets wrong by category, corrected by what the words say."""
    norm = " ".join(answers.words(turn.text))
    elsewhere = places.visit_elsewhere(turn)
    if elsewhere is not None:  # "kula tiyang gempol, angsal nderek ingkang wonten bangil?": the Bangil visit
        return replace(turn, intent="jadwal", entities={**turn.entities, "kecamatan": elsewhere[1]},
                       confidence=max(turn.confidence, CONFIDENT))
    if turn.intent != "petugas" and _WANTS_PERSON.search(norm):
        return replace(turn, intent="petugas", confidence=max(turn.confidence, 0.95))
    if (turn.intent == "petugas" and command_of(turn.text) is None and asks_something(turn.text)
            and not _WANTS_PERSON.search(norm) and not _ASKS_FOR_PERSON.search(norm)):
        # "petugase jenenge sopo?", "petugasnya dari dinas mana?": a question about a person, not a request for
        # one — answered where the bot can, else said so with the petugas offered; never a chat opened unasked.
        return replace(turn, intent=OUT_OF_SCOPE, confidence=0.0)
    named_place = turn.entities.get("desa") or turn.entities.get("kecamatan") or places.outside_regency(turn.text)
    if (turn.intent == "petugas" and named_place and places.says_home(norm) and not _WANTS_PERSON.search(norm)
            and not {"petugas", "operator", "admin", "cs"} & set(norm.split())):
        # "aku wong kota", "aku wong gerbo": where one lives ("wong" = a person of), no call for a person.
        return replace(turn, intent="sapaan", confidence=max(turn.confidence, CONFIDENT))
    if turn.intent == "usulan" and asks_about_own_proposal(turn.text):
        # "usulanku piye kabare?": a question about one's proposal is its status, never a new proposal.
        return replace(turn, intent="cek_status", confidence=max(turn.confidence, CONFIDENT))
    if turn.intent == "antrean" and _QUEUE_HOURS.search(norm):
        return replace(turn, intent="jadwal", confidence=max(turn.confidence, CONFIDENT))
    return turn


def _without_thanks(turn: Turn, ask: Ask) -> Turn:
    """Thanks said before a question ("sakalangkong, pas kaula ngibe berkas se padha?") are a courtesy: the
    question is read on its own (read whole, the recogniser took it for a greeting and gave the menu). Never
    where the whole message answers the question asked ("nggih matur nuwun, …" at a yes question)."""
    rest = answers.after_thanks(turn.text)
    if rest is None or turn.nlu is None or (ask.choices is not None and turn.pick(ask.choices)):
        return turn
    if _takes_yes(ask) and answers.yes_no(" ".join(answers.words(turn.text)[:1])) is True:
        return turn
    again = turn.nlu.understand(rest)
    return replace(turn, text=rest, intent=again.intent, entities=dict(again.entities), confidence=again.confidence)


def _own_requirements(situation: Situation, turn: Turn) -> Outcome | None:
    """"berkasnya apa aja?", "gowo opo wae?" from a resident holding a ticket, outside any flow (right after
    moving or making it): what to bring for that ticket's service, not the menu. A service named in the
    message is a registration's (its intro lists the same)."""
    if situation.flow not in (None, "menu") or turn.entities.get("layanan") or not _ASKS_REQUIREMENTS.search(turn.text):
        return None
    by_name = {s.nama_pendek: s for s in turn.facts.layanan_list()}
    mine = [(t, by_name[t.layanan]) for t in turn.facts.own_tickets() if t.layanan in by_name]
    if not mine:
        return None
    replies = [say("info.requirements_ticket", kode=t.kode, layanan=lay.nama_pendek, opd=lay.opd.singkatan,
                   tanggal=t.visit.tanggal_text if t.visit else "-", syarat=requirement_lines(lay))
               for t, lay in mine[:2]]
    return replace(stay(situation, replies), misses=0)


# Where a message's circumstance ends and its question begins: a clause ends at a stop, a comma or a new line.
_CLAUSE_END = re.compile(r"(?<=[.;!?\n])\s*|,\s*")
# What the question clause alone must surely be, to be read without the circumstance before it.
_SELF_CONTAINED = frozenset({"cek_status", "jadwal", "daftar_layanan", "langganan", "usulan", "antrean"})


# Intents that request nothing of their own: a greeting, a call for help, out of scope.
_NO_REQUEST = frozenset({"sapaan", "bantuan", "diluar_topik", OUT_OF_SCOPE})
# A clause that opens with "if" is the question's condition, never background.
_CONDITION = re.compile(r"^\W*(?:lek|lak|nek|nak|yen|yèn|kalau|kalo|klo|kl|jika|jikalau|apabila|bila|misal\w*|umpama\w*|"
                        r"seandainya|andaikan|menawi|manawi|bilih|mun|mon|lamon|sakengga|semisal|misale)\b", re.IGNORECASE)


def question_after_background(text: str) -> tuple[str, str] | None:
    """(the circumstance, the question) of "bojoku wis meninggal, aku wis kedaftar durung?", "anak saya kerja di
    surabaya, bisa daftar ktp di sini?", "kaula la daftar? lakena kaula ampon seda": one clause asks, the others
    only tell. None when the message is one clause, or more than one clause asks."""
    parts = [p.strip() for p in _CLAUSE_END.split(text or "") if p.strip(" .;!\n")]
    asking = [p for p in parts if asks_something(p)]
    if len(parts) < 2 or len(asking) != 1:
        return None
    return ", ".join(p.rstrip(" .;!\n") for p in parts if p is not asking[0]), asking[0]


def _without_background(turn: Turn, situation: Situation, ask: Ask) -> Turn:
    """A question read on its own when the circumstance told beside it would decide the answer instead: "bojoku
    wis meninggal, aku wis kedaftar durung?" asks the resident's registrations (not a KK after a death), "anak
    saya kerja di surabaya, bisa daftar ktp di sini?" a registration here (the child's workplace is no home).
    Only where the question alone is surely a request of its own; an urgent need in the circumstance ("ibu
    sesak napas, …"), a home outside the regency said of oneself and a place the question needs ("kula tiyang
    gempol, …") are never dropped."""
    if (situation.flow not in (None, "menu") or turn.nlu is None or (ask.choices is not None and turn.pick(ask.choices))
            or command_of(turn.text) is not None):
        return turn
    split = question_after_background(turn.text)
    if split is None:
        return turn
    background, question = split
    if _CONDITION.match(background):
        return turn  # "lek aku gak teko, tiketku angus ta?": the condition is part of the question
    whole_topic = info.topic_of(turn.text)
    if whole_topic == "darurat" or info.topic_of(background) == "darurat":
        return turn
    outside = places.outside_regency(background)
    if outside and not person.relation_in(background):
        return turn  # "saya warga kota pasuruan, apa bisa dilayani?": where the writer lives
    again = turn.nlu.understand(question)
    topic = info.topic_of(question)
    if whole_topic is not None and whole_topic != topic and info.topic_of(background) != whole_topic:
        return turn  # "bojoku wis ora ono, kk ne piye?": the question needs the circumstance to be asked at all
    if topic is not None and topic == whole_topic:
        return turn  # the same question whole
    told = turn.nlu.understand(background)
    if (told.intent not in _NO_REQUEST and told.confidence >= CONFIDENT and told.intent != again.intent) \
            or berhenti.clear_stop(background) or berhenti.stops_one_of_mine(replace(turn, text=background)):
        # "aku arep ndaftar akta lair, oleh diwakilno bojoku?", "pengingat beji distop wae, sing pandaan isih yo":
        # a request beside the question, not a circumstance.
        return turn
    if topic is None and (again.intent not in _SELF_CONTAINED or again.confidence < CONFIDENT):
        return turn
    if any(turn.entities.get(k) and not again.entities.get(k) for k in ("kecamatan", "desa")):
        return turn  # the place told beside the question is the question's
    if (not outside and topic == whole_topic and again.intent == turn.intent and turn.confidence >= CONFIDENT):
        return turn  # read whole the same: nothing to correct
    entities = {**({"layanan": turn.entities["layanan"]} if turn.entities.get("layanan") and topic is None else {}),
                **again.entities}  # "KTP saya hilang, bisa daftar di kenduren mas?": the service told before
    return replace(turn, text=question, intent=again.intent, entities=entities, confidence=again.confidence)


def _without_acceptance(turn: Turn, ask: Ask) -> Turn:
    """The request after "yowes gpp," read on its own, when it is surely one."""
    lead = _ACCEPT_LEAD.match(turn.text)
    rest = turn.text[lead.end():].strip() if lead else ""
    if not rest or (ask.choices is not None and turn.pick(ask.choices)) or turn.nlu is None:
        return turn
    again = turn.nlu.understand(rest)
    if again.intent == turn.intent or again.confidence < CONFIDENT:
        return turn
    return replace(turn, text=rest, intent=again.intent, entities=dict(again.entities), confidence=again.confidence)


# How to forward, by who asks: what each actually receives to forward (a resident or an unregistered
# number receives nothing written for forwarding, and has no desa link).
FORWARDING_HELP = {"kades": "berhenti.forwarding", "camat": "berhenti.forwarding_camat"}


def _outside_question(situation: Situation, turn: Turn) -> Outcome | None:
    """"saya warga kota pasuruan, apa bisa dilayani?": whether one who lives outside the regency may be served is
    answered (kindly, with the nearest visit) and starts nothing — never a sourced "I do not know", never a
    registration begun for them."""
    if situation.flow not in (None, "menu") or not answers.is_question(turn.text) or _clear_request(turn):
        return None
    named = turn.entities.get("layanan")  # a Kota Pasuruan document: the city's own Dispendukcapil too
    outside = places.outside_answer(replace(turn, slots={**turn.slots, **({"layanan": named} if named else {})}), None)
    if outside is None:
        return None
    return Outcome(list(outside.replies), None, None, {}, misses=0)


def _registration_asked(turn: Turn) -> bool:
    """The message asks to register a person or a named service ("saya ingin mendaftarkan suami saya untuk cek
    kesehatan", "info dibagikan di grup RT, mau daftar KK"): forwarding words in it are where the news came from."""
    return registers_someone(turn.text) or (turn.intent == "daftar_layanan" and turn.confidence >= CONFIDENT
                                            and bool(turn.entities.get("layanan")))


def _sensitive(registry: Registry, situation: Situation, turn: Turn, ask: Ask) -> Outcome | None:
    """Read by meaning before anything else may take the words: an erasure request starts HAPUS
    DATA (its confirmation), a question how to forward a reminder gets the forwarding help. Never
    while the message answers the question asked (a pick of its choices)."""
    if situation.flow in ("hapus_data", "berhenti") or (ask.choices is not None and turn.pick(ask.choices)):
        return None
    if berhenti.erasure(turn.text):
        return replace(start(registry, "hapus_data", turn, {}), misses=0)
    if not ask.free_text and berhenti.forwarding(turn.text) and not _registration_asked(turn):
        # Only a registered kepala desa gets announcements written to forward, with their desa's link.
        key = FORWARDING_HELP.get(turn.resident.role or "", "berhenti.forwarding_resident")
        return replace(stay(situation, [say(key)]), slots={**situation.slots, ANSWERED: "forwarding"}, misses=0)
    if situation.flow in (None, "menu") and asks_for_the_link(turn.text) and (
            situation.slots.get(ANSWERED) == "forwarding" or turn.resident.role == "kades"):
        # "tautan apa?", "link e endi" after the forwarding help (or from a kepala desa): their desa's link.
        own = turn.facts.own_desa_link()
        reply = (say("berhenti.link_resident") if own is None else say("berhenti.link", desa=own[0], link=own[1])
                 if own[1] else say("berhenti.link_in_reminders", desa=own[0]))
        return replace(stay(situation, [reply]), misses=0)
    return None


# What the bot last answered outside a flow, for a follow-up that only makes sense after it ("tautan apa?").
ANSWERED = "answered"
_LINK = re.compile(r"\b(?:link\w*|tautan\w*|taut|url|linkipun|lingk\w*|lengk\w*)\b", re.IGNORECASE)


def asks_for_the_link(text: str) -> bool:
    """"tautan apa?", "link e endi", "link ipun pundi?", "linknya mana pak": the desa's link asked for."""
    norm = " ".join(answers.words(text))
    return bool(_LINK.search(norm)) and (asks_something(text) or len(norm.split()) <= 3)


# "yo wis daftarno ae, mengko tak takon petugase langsung", "iya daftarkan, nanti saya tanya di sana": a yes
# with a remark about later is a yes (it opened a handoff). Not when the rest changes something.
_REMARK_LATER = re.compile(r"^(?P<head>.+?)(?:[,.;!]+\s*|\s+)(?P<tail>(?:\b(?:tapi|tp|nanging|terus|trus|lan|dan|soale|soalnya)\s+)?"
                           r"\b(?:mengko|engko|nanti|ntar|entar|mangke|besok|sesuk|mbesuk|benjing|mbenjing|ben|biar|supaya|"
                           r"takon\w*|tanya\w*|nyuwun|tak\s+takon\w*)\b.*)$", re.IGNORECASE | re.DOTALL)
_REMARK_CHANGES = re.compile(r"\b(?:ganti|gantos|ubah|rubah|salah|keliru|bukan|dudu|sanes|batal\w*|ojo|jangan|ampun)\b",
                             re.IGNORECASE)


def _yes_with_remark(turn: Turn, ask: Ask) -> Turn | None:
    """The answer part of "yes, … later": the yes alone, read as the answer to the question asked."""
    if ask.choices is None or ask.choices.yes is None or turn.choice is not None:
        return None
    m = _REMARK_LATER.match(turn.text.strip())
    if m is None or _REMARK_CHANGES.search(m.group("tail")):
        return None
    head = m.group("head").strip()
    if turn.pick(ask.choices) is not None or replace(turn, text=head).pick(ask.choices) != ask.choices.yes:
        return None
    return replace(turn, text=head, intent=OUT_OF_SCOPE, entities={}, confidence=0.0)


def _question_at_short(ask: Ask, text: str) -> bool:
    """A question typed where a short value (a name, a number) is asked: never that value. Also at an optional
    note ("Ada catatan untuk petugas?"): "napa bisa ngala' KTP è kantor desa?" is a question, not the note."""
    if ask.free_text and ask.optional and not ask.short:
        return answers.is_question(text) and not answers.is_skip(text)
    return (ask.short and answers.is_question(text) and not re.search(r"\d", text)
            and as_name(text.strip(" ?!.,")) is None and stated_person_name(text) is None)


def _ask_again(registry: Registry, situation: Situation, turn: Turn) -> list[Say]:
    """The question asked again in its own words (what its step says to an empty answer), or the general
    "lanjutkan menjawab" when the step has none."""
    flow = registry.flows.get(situation.flow or "")
    if flow is not None and situation.state in flow.steps:
        step = flow.steps[situation.state](replace(turn, text="", intent=OUT_OF_SCOPE, entities={}, confidence=0.0))
        if step.unhandled and step.replies:
            return list(step.replies)
    return [say("info.back_to_question")]


# Flows whose subject is a cancellation: there "batal" is the answer, not leaving the flow.
_CANCELLING_FLOWS = frozenset({"tiket"})


# "aku takon tok", "cuma tanya kok", "mboten, kula namung takon", "enje' tak usah, kaula gun atanya": the resident
# only asked — a registration (or proposal) under way is not what they want; it is left, nothing created.
_ONLY = r"(?:cuma|cuman|cman|cm|hanya|hny|mung|mek|mik|namung|naming|gun|gum|tok|thok|doang|aja|saja|ae|wae|mawon|sekedar|sekadar)"
_ASKING = r"(?:tanya\w*|nanya\w*|takon\w*|nakon\w*|atanya\w*|tanyak\w*|nyuwun pirsa|pirsa|ngerti|tau|tahu|weruh|info)"
_JUST_ASKING = re.compile(r"\b" + _ONLY + r"\s+(?:(?:mau|pengen|pingin|arep|badhe|kepingin|terro|ingin)\s+)?" + _ASKING
                          + r"\b|\b" + _ASKING + r"\s+(?:\w+\s+)?(?:tok|thok|doang|aja|saja|ae|wae|mawon|thok)\b", re.IGNORECASE)


def just_asking(text: str) -> bool:
    """Not "takon petugas ae" (ask a person instead): that one is a wish for a petugas."""
    words = answers.words(text)
    return bool(_JUST_ASKING.search(" ".join(words))) and not {"petugas", "admin", "operator", "wong", "orang"} & set(words)


def _stop_said_of_something_else(registry: Registry, situation: Situation, turn: Turn,
                                 ask: Ask) -> Outcome | Turn | None:
    """Stop and cancel words whose object or negation makes them no stop: "ojo distop kenduren mase" wants it to go on; "hajatane batal" is news of one's own
    event (what else the message asks is read on its own). An Outcome, the turn without that clause, or None."""
    if command_of(turn.text) is not None or (ask.choices is not None and turn.pick(ask.choices)):
        return None
    if ask.free_text:
        return None
    if situation.flow in (None, "menu") and langganan.asks_list(turn.text, subscriber=True):
        # "pengingat sy tinggal gempol aja kan?": only the reminders held are listed, by the reminder flow (none held:
        # read on, as any message).
        listed = langganan.own_reminders_first(registry, situation.flow, turn)
        if listed is not None:
            return replace(listed, misses=0)
    if berhenti.keep_going(turn.text):
        return replace(stay(situation, [say("berhenti.keep_going")]), misses=0)
    event = berhenti.own_event_cancelled(turn.text)
    if event is None:
        return None
    rest = " ".join(p for p in (turn.text.replace(event, " ", 1)).split()).strip(" ,.;!")
    if rest and turn.nlu is not None and asks_something(rest):
        again = turn.nlu.understand(rest)
        return replace(turn, text=rest, intent=again.intent, entities=dict(again.entities), confidence=again.confidence)
    return replace(stay(situation, [say("berhenti.not_ours")]), misses=0)


def _leaves_the_flow(registry: Registry, situation: Situation, turn: Turn, ask: Ask) -> Outcome | None:
    """"batal dulu, belum mau daftar", "gak sido ndaftar sik", "mboten sios ndaftar rumiyin" mid-flow: that
    flow is dropped kindly, saying what stopped and that nothing else changed — never read as a stop of
    reminders, an erasure or a ticket to cancel (the recogniser takes "batal" for berhenti)."""
    flow = situation.flow
    if (flow in (None, "menu") and answers.leaves_the_flow(turn.text) and not command_of(turn.text)
            and not turn.facts.own_tickets() and not berhenti.clear_stop(turn.text)):
        # "batal dulu" with nothing under way (after an answer, a card): nothing to stop, and never read as a wish
        # to stop reminders or erase data; a ticket holder's is about the ticket (flows/tiket.py).
        return Outcome([say("menu.nothing_under_way")], None, None, {}, misses=0)
    if flow in (None, "menu") or flow not in registry.flows or flow in _CANCELLING_FLOWS or command_of(turn.text):
        return None  # BATAL alone is the command (its own answer, the menu)
    if (not (answers.leaves_the_flow(turn.text) or (leaves_something(registry.flows[flow]) and just_asking(turn.text)))
            or (ask.choices is not None and turn.pick(ask.choices) is not None)):
        return None  # "Batal" offered as an option at a summary is that option
    if situation.slots.get("editing") and answers.leaves_a_change(turn.text):
        return None  # "gak jadi" while one answer is changed at the summary: the flow keeps the rest
    leaving = left_flow_say(flow, turn) if leaves_something(registry.flows[flow]) else None
    lead = say("menu.left_flow", leaving=leaving) if leaving is not None else say("menu.cancelled")
    return Outcome([lead, say("menu.left_nothing_else")], None, None, {}, misses=0)


def _said_change_of_mind(text: str) -> bool:
    norm = " ".join(answers.words(text))
    return any(f" {w} " in f" {norm} " for w in CHANGE_OF_MIND_WORDS)


def _has_options(reply: Say) -> bool:
    return any(isinstance(v, list) for v in reply.params.values())


def _change_of_mind(registry: Registry, situation: Situation, turn: Turn) -> Outcome | None:
    target = registry.by_intent.get(turn.intent)
    if target is None or target == situation.flow or turn.choice is not None or len(answers.words(turn.text)) < 3:
        return None
    if answers_the_question(turn.text):
        return None
    norm = " ".join(answers.words(turn.text))
    said_so = any(f" {w} " in f" {norm} " for w in CHANGE_OF_MIND_WORDS)
    if not said_so and places.desa_named(turn.entities) and places.says_home(turn.text):
        return None  # "kula saking ngadirejo tutur" mid-flow: where one lives, a fact for the flow — no new request
    if turn.confidence < (SWITCH_AT_FREE_TEXT if said_so or turn.entities else CONFIDENT):
        return None
    if said_so:  # "gak sido": the resident said they leave it; nothing to ask
        rest = _CHANGE_OF_MIND_LEAD.sub("", turn.text).strip()
        inner = start(registry, target, replace(turn, text=rest or turn.text), context_of(turn.slots))
        return replace(inner, replies=[say("menu.left_flow", leaving=left_flow_say(situation.flow, turn)), *inner.replies])
    return switch_flow(registry, situation.flow, situation.state, turn, target)
