"""The interim rule for the intent `antrean` (at the vehicle: a check-in or a question about the
queue), until the recogniser knows it (issue #13); flows/antrean.py reads its entry intent with it.
Here, not in flows/nlu, so that changing a rule does not retrain the recogniser (core/nlu.fingerprint)."""

from __future__ import annotations

import re

from flows.nlu.results import INTENTS as KNOWN_INTENTS, OUT_OF_SCOPE


def spaced_words(text: str) -> str:
    """The words lower-cased, punctuation out, one space between and around them (" aku wis teko ")."""
    return " " + re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", text.casefold())).strip() + " "


# Until the recogniser knows the intent `antrean` (issue #13), these decide it.
_QUEUE_WORD = re.compile(r" (hadir|absen|n?gantri\w*|n?gantre\w*|antri\w*|antre\w*) ")
_ARRIVED = re.compile(
    r" (aku|kulo|kula|saya|sy|wis|wes|uwis|sudah|sdh|udah|sampun|dah|sengko|engkok|la|lah) "
    r"(wis |wes |sudah |sampun |dah |la |lah )?"
    r"(teko|tekan|datang|dtg|dateng|dhateng|sampai|sampe|nyampe|dugi|rawuh|nang lokasi|di lokasi|ning lokasi) ")
# A question about the queue rather than a check-in ("antrean dispendukcapil piro?").
_QUESTION = re.compile(r" (piro|pira|berapa|brp|brapa|pinten|sepinten|lama|suwe|sue|suwi|panjang|rame|ramai|"
                       r"akeh|banyak|sampai mana|sampe endi|nomer piro|nomor berapa) ")


# Told of another day or as a complaint ("kemarin saya sudah datang tapi gak dilayani", "wingi aku wis teko nang
# kecamatan, antrine suwe pol"): about a past visit, never a check-in or a question about today's queue.
_PAST_OR_COMPLAINT = re.compile(
    r" (kemarin|kemaren|kmrn|kmarin|wingi|wingenane|winginane|dek wingi|kala wingi|wau enjing wingi|mbiyen|biyen|"
    r"minggu lalu|bulan lalu|yang lalu|kepungkur|wulan kepungkur|terakhir kali|kapan hari|"
    r"kecewa|kuciwa|kapok|komplain|komplen|keluhan|ngeluh|protes|mengecewakan|"
    r"gak dilayani|ga dilayani|nggak dilayani|tidak dilayani|tdk dilayani|ora dilayani|ndak dilayani|"
    r"mboten dipun ?layani|mboten dilayani|pulang duluan|mulih disik) ")
# Only the command word itself ("HADIR", "hadir kak") checks in whatever else the message tells.
_ONLY_HADIR = re.compile(r"^ (hadir|absen)( (kak|pak|bu|mas|mbak|nggih|ya|min))? $")


SURE = 0.9


def recognised(text: str) -> bool:
    """The interim rule: a check-in or a question about the queue, on the day — never a story about a past
    visit or a complaint (it showed the HADIR card to an angry resident)."""
    words = spaced_words(text)
    if about_another_day(text):
        return False
    return bool(_QUEUE_WORD.search(words) or _ARRIVED.search(words))


def about_another_day(text: str) -> bool:
    """A past visit told or complained about, not the command word alone."""
    words = spaced_words(text)
    return not _ONLY_HADIR.match(words) and bool(_PAST_OR_COMPLAINT.search(words))


def entry_intent(text: str, intent: str, confidence: float) -> tuple[str, float]:
    """The recogniser's intent, unless it cannot say `antrean` yet (issue #13) or was unsure or
    out of scope about a message the interim rule reads as a check-in or a queue question."""
    if intent == "antrean" and about_another_day(text):
        return OUT_OF_SCOPE, confidence
    if intent == "antrean" or not recognised(text):
        return intent, confidence
    knows = "antrean" in KNOWN_INTENTS
    if not knows or intent == OUT_OF_SCOPE or confidence < SURE:
        return "antrean", max(confidence, SURE)
    return intent, confidence


def is_question(text: str) -> bool:
    return "?" in text or bool(_QUESTION.search(spaced_words(text)))
