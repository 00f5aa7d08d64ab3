"""langganan — reminders for one or more kecamatan with explicit consent; MULAI opts back in.

"ingetno gempol karo pandaan" subscribes both and says so; a second request adds, never silently
replaces. Stopping (BERHENTI/STOP/… and a clear wish to stop, read by the dispatcher and
flows/berhenti.py) comes here with `stopping`: with several kecamatan it asks which, or stops all on
"semua". Stopping reminders never cancels a ticket.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Sequence

from flows import answers, berhenti, dates, tiket
from flows.effects import OptOut, Subscribe, Unsubscribe
from flows.engine import Ask, Flow, Say, Step, Turn, choices, say, unhandled
from flows.visit_card import visit_card
from flows.places import KECAMATAN_CONFIRMATION, kecamatan_answer, kecamatan_confirmation, kecamatan_named, with_areas


class S:
    ASK_KECAMATAN = "ask_kecamatan"
    CONFIRM_KECAMATAN = "confirm_kecamatan"
    CONSENT = "consent"
    STOP_WHICH = "stop_which"


CONSENT = choices(("yes", say("opt.yes_remind")), ("no", say("opt.no_thanks")), yes="yes", no="no")
# "sekalian ingatkan saya", "ingetno aku yo", "mangke dipun engetaken", "kabari ya": a wish for reminders, said
# beside another request in the same message.
_REMIND = re.compile(
    r"\b(?:ingatkan|ingatin|ingetin|ingetno|ingetke|ingatno|ingetaken|engetaken|engetno|eling(?:no|ke)|kabari|kabarin|"
    r"kabarono|dikabari|dikabarin|diingatkan|diingetno|diingetin|pengingat|pangengat|remind\w*|ngèngaktè|èngaktè|"
    r"ngengakte|engakte)\b", re.IGNORECASE)


_ASKS_SCHEDULE = re.compile(r"\bjad[wu]al\w*", re.IGNORECASE)


# The reminders' noun, in the registers: "pengingat", "pengingate", "pangèngat", "reminder", "langganan".
_NOUN = r"(?:pengingat\w*|pang[eè]ngat\w*|langganan\w*|reminder\w*)"
# "pengingatku opo wae?", "pengingat saya apa saja", "kula nampi pengingat napa mawon?", "reminderku": which ones.
_LIST = re.compile(
    r"^\W*(?:cek\s+|lihat\s+|deleng\s+)?(?:pengingatku|langgananku|reminderku|pengingat\s+(?:saya|aku|kula|kaule))\W*$|"
    r"\b" + _NOUN + r"\b.*\b(?:apa\s+saja|apa\s+aja|apa\s+wae|opo\s+wae|opo\s+ae|"
    r"(?:napa|menapa|nopo|punapa|apa|opo)\s+(?:ke)?mawon|apah\s+beih|mana\s+saja|endi\s+wae|pundi\s+mawon|berapa|piro|pinten|yang\s+aktif|"
    r"sing\s+aktif|ingkang\s+aktif)\b|"
    r"\b(?:kecamatan\s+(?:apa|mana|opo|endi|pundi|napa)|daftar|cek|lihat|deleng)\b.*\b(?:pengingat\w*|reminder\w*)\b",
    re.IGNORECASE)


# Said only by one who has reminders, the noun left out: "sing aktif opo ae?", "yg masih aktif apa aja", "ingkang
# aktif menapa kemawon", and "tinggal gempol aja kan?" (after stopping one: a question, never a stop).
_LIST_BARE = re.compile(
    r"^\W*(?:sing|seng|yang|yg|ingkang|se)\s+(?:(?:masih|isih|sik|taseh|teksih|gik)\s+)?(?:aktif|jalan|mlaku|urip)\s+"
    r"(?:apa|opo|napa|menapa|nopo|punapa|apah|endi|ndi|mana|pundi)\b|"
    r"\b(?:tinggal|kari|kantun|gari|kare)\s+(?!(?:di|nang|neng|ning|ing|wonten|ten|e|ka)\b)(?:\w+\s+){1,3}?"
    r"(?:aja|ae|wae|tok|thok|saja|mawon|kemawon|bhai|beih)\b\W*(?:kan|to|ta|ya|yo|nggih|ngge|kah|lak|tah)?\W*\?|"
    r"\b(?:tinggal|kari|kantun|gari|kare)\s+(?!(?:di|nang|neng|ning|ing|wonten|ten|e|ka)\b)(?:\w+\s+){1,3}?"
    r"(?:aja|ae|wae|tok|thok|saja|mawon|kemawon|bhai|beih)\s+(?:kan|to|ta|nggih|ngge|kah|lak|tah)\b",
    re.IGNORECASE)
# Said by one who has reminders, the noun with a word about them, asked or to check: "gk usah, maksudnya mau cek
# pengingat sy yg aktif", "pengingat sy tinggal gempol aja kan?", "pengingat masih aktif gak?", "pangengat kaula gi'
# aktif?" — never an opt-out (only a stop verb said of them is).
_NOUN_ALONE = re.compile(r"\b" + _NOUN + r"\b")
_ABOUT = re.compile(r"\b(?:cek|ngecek|dicek|lihat|liat|deleng|delok|ndelok|tinggal|kari|sisa|masih|msh|isih|tasih|aktif|"
                    r"maksud\w*|apa\s+(?:aja|saja)|opo\s+(?:wae|ae)|yang\s+mana|sing\s+endi|berapa|piro|pinten)\b")
_TO_CHECK = re.compile(r"\b(?:cek|ngecek|lihat|liat|deleng|delok|maksud\w*)\b")


def _asks_about(text: str) -> bool:
    norm = " ".join(answers.words(text))
    if not _NOUN_ALONE.search(norm) or not _ABOUT.search(norm) or berhenti.stop_said(text):
        return False
    return answers.is_question(text) or _TO_CHECK.search(norm) is not None


def asks_list(text: str, *, subscriber: bool = False) -> bool:
    """The one rule of "which reminders do I have" (the policy, before a stop, a keep-going or a ticket is read into
    it, and this flow): the list asked, never a stop said clearly; `subscriber`: said by one who has some, so the short
    forms and a question about them count too."""
    text = text or ""
    if subscriber and _asks_about(text):
        return True
    if berhenti.clear_stop(text):
        return False
    return bool(_LIST.search(text)) or subscriber and bool(_LIST_BARE.search(text))


# "sama tiket sy apa aja", "karo tiketku", "lan tiket kula": the tickets asked in the same message.
_TICKETS_TOO = re.compile(r"\b(?:tiket\w*|karcis\w*|pendaftaran\w*|pendaftaranku)\b", re.IGNORECASE)


def asks_tickets_too(text: str) -> bool:
    return bool(_TICKETS_TOO.search(text or ""))


def asks_reminder(text: str) -> bool:
    """The message asks for reminders too (never a stop: "ojok dikabari maneh")."""
    return bool(_REMIND.search(text or "")) and not berhenti.clear_stop(text or "")


_NOT = re.compile(r"(?<![\w'])(?:gak|ga|gk|nggak|enggak|ndak|ora|ra|ojo|ojok|aja|jangan|jgn|mboten|boten|tak|ta'|enje')(?![\w'])",
                  re.IGNORECASE)


def refuses_reminders(text: str) -> bool:
    """The words say no to reminders ("tapi gak usah diingatkan", "ojo dikabari", "nanging mboten usah dipun
    engetaken"): said beside a yes to something else, a refusal of the extra, never a stop of what runs."""
    text = text or ""
    return bool(_REMIND.search(text)) and (bool(berhenti.clear_stop(text)) or bool(_NOT.search(text)))


ALL_WORDS = frozenset("semua semuanya kabeh kabehe sedanten sadaya sadoyo sadayana sakabehe kabbhi kabbhiya all".split())


def kecamatan_list(names: Sequence[str]) -> str:
    """"Gempol", "Gempol dan Pandaan", "Gempol, Pandaan dan Bangil"."""
    names = list(names)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} dan {names[-1]}"


def reads_intent(text: str, intent: str, confidence: float) -> tuple[str, float]:
    """"kula nampi pengingat napa mawon?", "pengingat sy apa aja skrg?" is a question about one's reminders,
    however unsure the recogniser — and never a stop ("aja" there is "any", not "don't"), unless a stop is
    said clearly beside it."""
    if asks_list(text):
        return "langganan", max(confidence, 0.9)
    return intent, confidence


def own_reminders_first(registry, flow: str | None, turn: Turn):
    """For the policy, from a resident who gets reminders, outside a flow that would lose something: "pengingat
    sy apa aja skrg?" lists them; a kecamatan of theirs named to stop or to keep ("gempol tetep, pandaan ora
    usah", "tetep ingetin gempol tapi pandaan ga usah") stops only the one(s) said to stop — never read as a
    schedule question or "Maksudnya Berhenti?" (dispatch.Outcome, else None)."""
    from flows.dispatch import leaves_something, start as start_flow

    current = registry.flows.get(flow or "")
    if flow == FLOW.name or (current is not None and leaves_something(current)):
        return None
    lists = asks_list(turn.text, subscriber=True)  # the words first: the subscriptions are read only when they could matter
    if not lists and not berhenti.says_stop_words(turn.text):
        return None
    mine = list(turn.facts.subscriptions())
    if not mine:
        return None
    if lists:
        return start_flow(registry, FLOW.name, replace(turn, intent="langganan"), {})
    if berhenti.stops_one_of_mine(turn) and _to_stop(turn, mine):
        return start_flow(registry, FLOW.name, replace(turn, intent="langganan"), {"stopping": True})
    return None


def start(turn: Turn) -> Step:
    if turn.slots.get("stopping"):
        return stopping(turn)
    if turn.entities.get("layanan") and turn.facts.layanan(turn.entities["layanan"]) is not None:
        # "mau daftar kia anakku, sekalian ingatkan saya": the registration first, the reminders right after.
        return Step(switch_to="layanan", slots={"then_remind": True})
    mine = list(turn.facts.subscriptions())
    # "pengingatku opo wae?": the list, and how to add or stop one ("tinggal gempol aja kan?" asks, never stops).
    if asks_list(turn.text, subscriber=bool(mine)):
        # "… sama tiket sy apa aja": the tickets too, in the same answer.
        tickets = tiket.tickets_said(turn) if asks_tickets_too(turn.text) else []
        if mine:
            return Step([say("langganan.list", kecamatan=kecamatan_list(mine), contoh=mine[0]), *tickets], None)
        if tickets:
            return Step([say("langganan.list_none"), *tickets], None)
        return Step([say("langganan.list_none"), say("langganan.ask_kecamatan")], S.ASK_KECAMATAN)
    if berhenti.stops_one_of_mine(turn):  # "yg beji gak usah lagi" is a stop, never a new subscription
        return stopping(turn)
    named = (kecamatan_named(turn) or list(turn.slots.get("kecamatan_list") or [])
             or [k for k in [turn.slots.get("kecamatan")] if k])
    if named and (dates.asks_when(turn.text) or _ASKS_SCHEDULE.search(turn.text)):
        # "kapan ning gempol? ingetno aku yo": the date answered first, then the reminders asked.
        cards = [visit_card(v) for k in named[:3] for v in turn.facts.next_visits(k, limit=1)]
        return _prepend(cards, _consent(turn, named))
    if not named:
        mine = turn.facts.subscriptions()
        # "ingatkan saya" from someone holding a ticket: the kecamatan of the visit they go to comes before home
        # (a Tosari resident registered for the Puspo visit was offered Tosari's reminders, twice).
        going = [t.visit.kecamatan for t in turn.facts.own_tickets() if t.visit is not None]
        home = turn.resident.kecamatan
        fresh = [k for k in [*going, home] if k and k not in mine]
        if fresh:
            named = fresh[:1]
        else:
            lead = [say("langganan.current", kecamatan=kecamatan_list(mine))] if mine else []
            return Step([*lead, with_areas(say("langganan.ask_kecamatan"))], S.ASK_KECAMATAN)
    return _consent(turn, named)


def _prepend(replies: Sequence[Say], step: Step) -> Step:
    return Step([*replies, *step.replies], step.next_state, step.slots, step.effects, step.switch_to)


def _consent(turn: Turn, kecamatan: Sequence[str]) -> Step:
    mine = turn.facts.subscriptions()
    new = [k for k in kecamatan if k not in mine]
    if not new:
        return Step([say("langganan.already", kecamatan=kecamatan_list(mine))], None)
    return Step([say("langganan.consent", kecamatan=kecamatan_list(new), options=CONSENT.labels())],
                S.CONSENT, {"kecamatan": new[0], "kecamatan_list": new})


_KECAMATAN_STATES = dict(unknown=say("langganan.kecamatan_unknown"), ask_state=S.ASK_KECAMATAN,
                         confirm_state=S.CONFIRM_KECAMATAN, then=lambda turn, kecamatan: _consent(turn, [kecamatan]))


def ask_kecamatan(turn: Turn) -> Step:
    if berhenti.stops_one_of_mine(turn):
        return stopping(turn)
    named = kecamatan_named(turn)
    if len(named) > 1:
        return _consent(turn, named)
    return kecamatan_answer(turn, **_KECAMATAN_STATES)


def confirm_kecamatan(turn: Turn) -> Step:
    return kecamatan_confirmation(turn, ask_again=say("langganan.ask_kecamatan"), **_KECAMATAN_STATES)


def consent(turn: Turn) -> Step:
    kecamatan = list(turn.slots.get("kecamatan_list") or [turn.slots["kecamatan"]])
    answer = turn.pick(CONSENT)
    if answer is None and asks_list(turn.text):  # "pengingat sy apa aja skrg?" at the consent: told, asked again
        mine = list(turn.facts.subscriptions())
        told = (say("langganan.current", kecamatan=kecamatan_list(mine)) if mine else say("langganan.list_none"))
        return Step([told, say("langganan.consent", kecamatan=kecamatan_list(kecamatan), options=CONSENT.labels())],
                    S.CONSENT, dict(turn.slots))
    if answer == "yes":
        others = [k for k in turn.facts.subscriptions() if k not in kecamatan]
        replies: list[Say] = [say("langganan.subscribed", kecamatan=kecamatan_list(kecamatan))]
        if others:  # added, never replacing: say what stays
            replies.append(say("langganan.also", kecamatan=kecamatan_list(others)))
        return Step(replies, None, effects=[Subscribe(kecamatan=k) for k in kecamatan])
    if answer == "no":
        return Step([say("langganan.not_subscribed")], None)
    named = kecamatan_named(turn)
    found = turn.nlu.match_kecamatan(turn.text)
    if len(named) > 1 or (found is not None and found.certain):
        # Another kecamatan changes the question; the same one repeated is not a yes (consent
        # stays explicit), so it is asked again rather than read as a new schedule question.
        return _consent(turn, named if len(named) > 1 else [found.name])
    if found is not None and answers.yes_no(turn.text) is None:
        # Another kecamatan typed unsure ("gempul" when Tutur was offered): asked back like at the question.
        return kecamatan_answer(turn, **_KECAMATAN_STATES)
    return unhandled(say("common.choose_again", options=CONSENT.labels()), state=S.CONSENT)


# — stopping —

def _stop_labels(mine: Sequence[str]) -> list[Say]:
    return [*(say("langganan.stop_option", kecamatan=k) for k in mine), say("opt.stop_all")]


def _says_all(text: str) -> bool:
    return bool(set(answers.words(text)) & ALL_WORDS)


# "… gempol aja yg tetep", "pandaan isih wae", "sing beji tasih nggih": a kecamatan named to keep, beside the one to stop.
_KEEP_WORDS = frozenset("tetap tetep ttp tetp masih msh isih iseh tasih lanjut lanjutkan lanjutno ajeg panggah pancet "
                        "aktif".split())
_CLAUSE = re.compile(r"[,.;!?…\n]+|\b(?:tapi|tp|tpi|namun|nanging|ning|tapeh|tape)\b", re.IGNORECASE)


def _kept(turn: Turn, mine: Sequence[str]) -> set[str]:
    """The resident's kecamatan named in a clause that says to keep it (never the one said to stop)."""
    kept: set[str] = set()
    for clause in _CLAUSE.split(turn.text):
        words = set(answers.words(clause))
        if words & _KEEP_WORDS and not words & (berhenti.STOP_VERBS | answers.NEVER_MIND_WORDS):  # "aja" is also "only"
            kept |= {k for k in kecamatan_named(replace(turn, text=clause, entities={})) if k in mine}
    return kept


def _to_stop(turn: Turn, mine: Sequence[str]) -> list[str]:
    kept = _kept(turn, mine)
    return [k for k in kecamatan_named(turn) if k in mine and k not in kept]


def stopping(turn: Turn) -> Step:
    """A stop: all at once with one kecamatan (or "semua"), the named ones, or asked which."""
    mine = list(turn.facts.subscriptions())
    named = _to_stop(turn, mine)
    if len(mine) <= 1 or _says_all(turn.text) or (named and len(named) == len(mine)):
        return Step([say("langganan.stopped")], None, effects=[OptOut()])
    if named:
        return _stop_some(mine, named)
    return Step([say("langganan.stop_which", options=_stop_labels(mine))], S.STOP_WHICH, {"mine": mine})


def _stop_some(mine: Sequence[str], stopped: Sequence[str]) -> Step:
    left = [k for k in mine if k not in stopped]
    return Step([say("langganan.stopped_some", stopped=kecamatan_list(stopped), left=kecamatan_list(left))], None,
                effects=[Unsubscribe(kecamatan=k) for k in stopped])


def stop_which(turn: Turn) -> Step:
    mine = list(turn.slots.get("mine") or [])
    labels = _stop_labels(mine)
    i = turn.pick_index(labels)
    if i is None and _says_all(turn.text):
        i = len(mine)
    named = _to_stop(turn, mine)
    if i is None and named:
        return _stop_some(mine, named) if len(named) < len(mine) else Step(
            [say("langganan.stopped")], None, effects=[OptOut()])
    if i is None:
        return unhandled(say("common.choose_again", options=labels), state=S.STOP_WHICH)
    if i >= len(mine):
        return Step([say("langganan.stopped")], None, effects=[OptOut()])
    return _stop_some(mine, [mine[i]])


FLOW = Flow(name="langganan", entry_intents=("langganan",), start=start,
            keywords=("pengingat", "langganan", "pengingat jadwal"),
            steps={S.ASK_KECAMATAN: ask_kecamatan, S.CONFIRM_KECAMATAN: confirm_kecamatan, S.CONSENT: consent,
                   S.STOP_WHICH: stop_which},
            menu_label="menu.item.langganan",
            asks={S.CONSENT: Ask(CONSENT), S.CONFIRM_KECAMATAN: KECAMATAN_CONFIRMATION},
            effects=(Subscribe, Unsubscribe, OptOut), switches=("layanan",), reads_intent=reads_intent)
