"""berhenti — the sensitive requests, read by meaning: stop messages, erase personal data, or how
to forward a reminder. Never by one word: "hapus", "batal", "jangan disimpan" are not a STOP.

- Erasure in any register ("tolong hapus data pribadi saya", "busak data kula", "data saya jangan
  disimpan") starts HAPUS DATA with its confirmation (`erasure`, read by the policy first).
- "carane nerusno pengingat nang grup?" is a kepala desa asking how to forward: the forwarding help
  (`forwarding`), never a stop.
- A stop is done at once only when it is clear: the stop words (flows/commands.py), or a wish to
  stop what the bot sends ("ojok kirim pesen maneh", "hapus nomor saya dari daftar pengingat").
  Anything the recogniser read as berhenti without that ("hapus", "udahan", "wis cukup") is asked.

Declared as word sets over answers.words(); pure.
"""

from __future__ import annotations

import re

from flows import answers
from flows.effects import OptOut
from flows.engine import Ask, Flow, Step, Turn, choices, say, unhandled

# — the words, by meaning —
ERASE_VERBS = frozenset({
    "hapus", "hapuskan", "dihapus", "menghapus", "hapusen", "hapusno", "hapusin", "apus", "apusen", "diapus", "busak",
    "mbusak", "dibusak", "busaken", "busakno", "delete", "didelete", "hilangkan", "ilangi", "ilangno", "musnahkan",
    "buang", "dibuang", "èapos", "apos", "ebusak", "èbusak", "lupakan", "lupakno", "dilupakan", "dilalekno",
})
DATA_WORDS = frozenset({
    "data", "datane", "dataku", "datanya", "datae", "datana", "identitas", "identitasku", "nik", "pribadi",
    "privasi",
})
# "data saya jangan disimpan", "ampun disimpen data kula", "datane ojok disimpen"
KEEP_VERBS = frozenset({"simpan", "disimpan", "menyimpan", "simpen", "disimpen", "nyimpen", "nyimpan", "dicatat",
                        "direkam", "disimpenaken", "èsimpen", "esimpen", "disimpenno"})
DONT_WORDS = frozenset({"jangan", "jgn", "ojo", "ojok", "aja", "ampun", "sampun", "usah", "osa", "jha", "jhâ",
                        "ndak", "gak", "ga", "tidak", "mboten", "ora", "ra", "ta", "tak"})
# What the bot sends: a stop aimed at one of these is clear.
MESSAGE_WORDS = frozenset({
    "pesan", "pesannya", "pesen", "pesene", "pesenna", "pengingat", "pengingatnya", "pengingate", "pengingatipun",
    "pangèngat", "pangengat", "reminder", "reminders", "notif", "notife", "notifikasi", "info", "informasi",
    "kabar", "sms", "wa", "whatsapp", "broadcast", "siaran", "langganan", "langganane", "langganannya",
    "berlangganan", "daftar", "spam", "kirim", "ngirim", "dikirim", "dikirimi", "kintun", "kintuni", "ngintun",
    "pangintunan", "ngerem", "èkerèm", "èkerèmè", "èkerème", "pengiriman", "msgs", "messages", "diingatkan",
    "diingetno", "diilingno", "dikabari", "engetaken", "ngingetin", "kabarè", "èkabarè",
})
STOP_VERBS = frozenset({
    "berhenti", "berhentikan", "stop", "distop", "hentikan", "unsubscribe", "unsub", "unreg", "mandek", "mandekno",
    "mandheg", "mandeg", "mandegno", "mandhegno", "kendelaken", "pateni", "matikan", "matiin", "ambu", "èambu", "keluar", "metu", "blokir",
    "opt", "cancel", "udahan", "cukup", "cokop",
})
NUMBER_WORDS = frozenset({"nomor", "nomer", "nomorku", "nomerku", "nomere", "nomernya", "nomornya", "no"})
# Any form of the verb: meneruskan, diteruskan, terusno, nerusno, neruske, forwardkan, dibagikan, nyebarno.
# Bare "terus" is also "on and on" ("kok dapat pesan terus"): it counts only with a group named.
FORWARD_VERB = re.compile(r"^(?:\w*terus\w+|\w*nerus\w*|\w*forward\w*|\w*bagik\w*|\w*share\w*|\w*sebar\w*|"
                          r"\w*aturaken|kirimno|dikirimno)$")
SEND_VERBS = frozenset({"kirim", "ngirim", "kirimkan", "mengirim", "ngintun", "kintun", "kintunaken", "ngirimke",
                        "kirimke", "ngerem", "ngirimne"})
FORWARD_TO = frozenset({"grup", "group", "grub", "warga", "wargane", "wargaku", "kelompok", "rt", "rw", "masyarakat"})
FORWARD_WHAT = frozenset({"pengingat", "pengingate", "pesan", "pesen", "info", "informasi", "jadwal", "siaran",
                          "broadcast", "pengumuman", "kabar"})


def _words(text: str) -> set[str]:
    return set(answers.words(text))


def erasure(text: str) -> bool:
    """A wish to have one's personal data erased (not to stop messages: "hapus nomor saya dari daftar
    pengingat" stops, see `clear_stop`)."""
    w = _words(text)
    if w & DATA_WORDS and w & ERASE_VERBS:
        return not (w & MESSAGE_WORDS - {"daftar"}) or "pribadi" in w
    return bool(w & (DATA_WORDS | NUMBER_WORDS) and w & KEEP_VERBS and w & DONT_WORDS)


def forwarding(text: str) -> bool:
    """How to pass a reminder on to a group ("carane nerusno pengingat nang grup?")."""
    w = _words(text)
    if "petugas" in w:
        return False
    if any(FORWARD_VERB.match(word) for word in w):
        return bool(w & (FORWARD_TO | FORWARD_WHAT))
    if w & SEND_VERBS and w & FORWARD_TO and w & FORWARD_WHAT and not w & DONT_WORDS:
        return True  # "pripun carane ngirim pengumuman menika dhateng grup?" (never "ojo ngirim pesen")
    return "terus" in w and bool(w & FORWARD_TO)


# "apa aja", "opo wae", "mana saja": "any/which" — the "aja" there is no "don't" ("pengingat sy apa aja skrg?").
_WHICH_ANY = re.compile(r"\b(?:apa|apah|opo|napa|nopo|menapa|mana|endi|pundi|sapa|siapa|sopo|kapan|berapa|piro)\s+"
                        r"(?:aja|ae|wae|saja|sja|mawon|bae|beih|bhai)\b", re.IGNORECASE)


def clear_stop(text: str) -> bool:
    """A wish to stop what the bot sends, said so: a stop word with what it sends, or the message
    word with a no ("gausah kirim lagi", "ojok dikirimi maneh")."""
    w = _words(_WHICH_ANY.sub(" ", text or ""))
    if w & ERASE_VERBS and w & NUMBER_WORDS and "daftar" in w:
        return True  # "hapus nomor saya dari daftar", "nomer kula dipun busak saking daftar"
    if w & ERASE_VERBS and not (w & MESSAGE_WORDS):
        return False  # "hapus", "hapus nomor saya": erase what? asked
    if w & STOP_VERBS and (w & MESSAGE_WORDS or len(w) <= 3 and w & {"stop", "berhenti", "unsubscribe", "unsub",
                                                                      "unreg", "hentikan", "mandek"}):
        return True
    return bool(w & MESSAGE_WORDS - {"daftar", "info"} and w & (DONT_WORDS | STOP_VERBS | ERASE_VERBS))


# — stop and cancel words said of something else (negation and the verb's object decide) —

# "ojo distop kenduren mase", "jangan stop pengingatnya", "kenduren mas ojo mandek": a no right before the stop
# verb is a wish that it goes on — never a stop.
_KEEP_GOING = re.compile(r"\b(?:jangan|jgn|ojo|ojok|aja|ampun|sampun|jha|jhâ|gak usah|ga usah|ndak usah|ora usah|"
                         r"tidak usah|mboten usah|ra usah)\s+(?:di|dipun\s+|sampek\s+|sampai\s+|sampe\s+)?"
                         r"(?:stop\w*|berhenti\w*|hentikan|henti\w*|mandek\w*|mandeg\w*|mandheg\w*|kendel\w*|"
                         r"leren\w*|bubar\w*|tutup|ditutup|pateni|dipateni|matikan|dimatikan)\b", re.IGNORECASE)


def keep_going(text: str) -> bool:
    """"ojo distop kenduren mase", "jangan dihentikan programnya, bagus": the resident wants it to go on."""
    return _KEEP_GOING.search(" ".join(answers.words(text))) is not None


# An event of the resident's own life said to be cancelled ("hajatane batal", "acara nikahan anakku batal",
# "arisane gak sido"): news, never a cancel of a ticket or a stop of reminders.
_OWN_EVENT = re.compile(r"^(?:hajat|acara|nikah|manten|kawinan|resepsi|pesta|kondangan|arisan|pengajian|tahlil|"
                        r"selamet|slamet|syukuran|rapat|kumpulan|piknik|liburan|layatan|takziah|janjian|undangan|"
                        r"lembur|panen|mudik|operasi|kontrol|perjalanan|keberangkatan|pernikahan|khitan\w*|sunat\w*|"
                        r"sunatan|walimah\w*|halal\s?bihalal|reuni|lomba|turnamen|jadwal\s?dokter)\w*$")
_CANCELLED = re.compile(r"\b(?:batal\w*|dibatal\w*|cancel\w*|gagal|(?:gak|ga|ora|ndak|nggak|tidak|mboten|boten|ta')\s+"
                        r"(?:sido|jadi|jd|sios|dados))\b")
# What of the bot's a cancel may be said of: then it is the bot's (a ticket, a registration, the reminders).
_OURS = frozenset({"tiket", "tiketku", "tikete", "tiketnya", "daftar", "pendaftaran", "ndaftar", "pengingat", "langganan",
                   "pesan", "pesen", "usulan", "usulanku", "antrian", "antrean", "janji"})
_CLAUSES = re.compile(r"[.;!?\n]+|,\s*")


def own_event_cancelled(text: str) -> str | None:
    """The clause of the message saying one's own event was cancelled, or None."""
    for clause in _CLAUSES.split(text or ""):
        w = answers.words(clause)
        if (any(_OWN_EVENT.match(x) for x in w) and _CANCELLED.search(" ".join(w)) and not set(w) & _OURS
                and not set(w) & MESSAGE_WORDS - {"info", "kabar", "daftar"}):
            return clause
    return None


# Surveys: "gak usah kirim survei", "survei e ora usah", "ampun kintun survei malih" stop the surveys only.
_SURVEY_WORD = re.compile(r"^(?:survei|survey|survai|surve|kuesioner|kuisioner|angket|penilaian|rating|polling)\w*$")
_REMINDER_WORDS = frozenset({"pengingat", "pengingate", "pengingatnya", "pengingatipun", "pangèngat", "pangengat",
                             "reminder", "langganan", "jadwal", "diingatkan", "diingetno", "diingetin", "dielingno"})


# A clause that keeps something going: "pengingat tetap jalan", "pengingate tetep yo", "gempol jgn distop".
_KEEPS = re.compile(r"\b(?:tetap|tetep|ttp|isih|masih|msh|tasih|lanjut\w*|terus|biar|ben|biarkan|jalan|aktif)\b")


def surveys_only(text: str) -> bool:
    """A wish to get no more surveys, and only that: the reminders named beside it only to keep them ("stop survei
    aja, pengingat tetap jalan"); the reminders named to stop too: not only surveys."""
    kept = [c for c in _CLAUSES.split(text or "") if c.strip()]
    w = _words(" ".join(c for c in kept if not (_KEEPS.search(" ".join(answers.words(c))) or keep_going(c))))
    if not any(_SURVEY_WORD.match(x) for x in w) or w & _REMINDER_WORDS:
        return False
    return bool(w & (DONT_WORDS | STOP_VERBS | answers.NEVER_MIND_WORDS | {"males", "emoh", "wegah", "nggak", "mboh"}))


# "abis ini sy msh dikirimi wa?", "isih dikirimi pesen ta?", "kula taseh dipun kintuni pesen?": will messages still come.
_STILL = frozenset({"masih", "msh", "isih", "sik", "tasih", "taseh", "teksih", "tetep", "tetap", "ttp", "gik", "ghi", "still"})
_SENT = frozenset({"dikirimi", "dikirim", "dikirimin", "dikirimkan", "kiriman", "dapat", "dapet", "oleh", "entuk",
                   "nampi", "terima", "menerima", "kintuni", "kintun", "ngirim", "kirim", "nerima", "olle", "get", "receive"})


def asks_still_sent(text: str) -> bool:
    """A question whether messages still come (asked after a stop: what stops and what still comes)."""
    w = _words(text)
    return bool(w & _STILL and w & _SENT) and answers.is_question(text) and not w & (STOP_VERBS | ERASE_VERBS)


# Surveys wanted again: "kirimi survei lagi", "survei e dikirim maneh wae", "survei dipun kintun malih", "mau isi
# survei lagi" — a survey word with an again or a send, and no no.
_AGAIN_OR_SEND = frozenset({"lagi", "lg", "maneh", "meneh", "malih", "pole", "kirim", "kirimi", "kirimin", "dikirim",
                            "dikirimi", "kintun", "kintuni", "dipun", "aktifkan", "diaktifkan", "nyalakan", "urip",
                            "uripno", "aktif"})


def surveys_back(text: str) -> bool:
    """A wish to get the surveys again (after "gak usah kirim survei"); never one with a no or a stop in it."""
    w = _words(text)
    if not any(_SURVEY_WORD.match(x) for x in w) or not w & _AGAIN_OR_SEND:
        return False
    return not w & (DONT_WORDS | STOP_VERBS | answers.NEVER_MIND_WORDS | {"males", "emoh", "wegah", "nggak", "mboh"})


# A stop verb said, and not negated ("stop pengingat beji, tinggal gempol aja kan?" stops; "ojo distop" does not).
_STOP_SAID = re.compile(r"\b(?:stop|berhenti\w*|hentikan|dihentikan|distop|mandek\w*|mandeg\w*|pateni|matikan|dimatikan|"
                        r"unsubscribe|unreg|hapus|busak)\b")


def stop_said(text: str) -> bool:
    """A stop verb in the words, none kept going by a no before it (what a question about one's reminders must
    not have: flows/langganan.asks_list)."""
    return _STOP_SAID.search(_KEEP_GOING.sub(" ", " ".join(answers.words(text)))) is not None


# — the flow: a stop, said clearly, is done; anything else is asked —

class S:
    WHICH = "which"


WHICH = choices(("stop", say("opt.stop_reminders")), ("erase", say("opt.erase_data")), ("menu", say("opt.menu")),
                yes="stop", no="menu")


# The stop itself is the reminder flow's (one kecamatan, several: which, or all).
STOP = Step([], None, slots={"stopping": True}, switch_to="langganan")


def stops_one_of_mine(turn: Turn) -> bool:
    """"yg beji gak usah lagi", "pengingat pandaan stop wae", "beji mboten sah": a kecamatan the resident gets
    reminders for, named with a stop or a never-mind — that one stops (the reminder flow reads which)."""
    from flows.places import kecamatan_named

    if not says_stop_words(turn.text):
        return False
    return any(k in turn.facts.subscriptions() for k in kecamatan_named(turn))


_STOP_OR_DONT = STOP_VERBS | DONT_WORDS | answers.NEVER_MIND_WORDS


def says_stop_words(text: str) -> bool:
    """A stop verb, a don't or a never-mind among the words (what stops_one_of_mine needs first)."""
    return bool(_words(text) & _STOP_OR_DONT)


# "pengingat pandaan stop wae", "reminder beji ora usah": a stop said of the reminders, whatever else it names.
_REMINDER_NOUNS = frozenset({"pengingat", "pengingate", "pengingatnya", "pengingatku", "pengingatipun", "pangèngat",
                             "pangengat", "reminder", "langganan", "langganane", "langgananku",
                             # the verb said for them: "beji ga usah diingetin lagi", "ojo dieling-elingno maneh"
                             "diingetin", "diingatkan", "diingetno", "diingetke", "dielingno", "dielingke"})


def reads_intent(text: str, intent: str, confidence: float) -> tuple[str, float]:
    w = _words(text)
    if w & _REMINDER_NOUNS and w & (STOP_VERBS | answers.NEVER_MIND_WORDS) and intent != "berhenti":
        return "berhenti", max(confidence, 0.9)
    return intent, confidence


def start(turn: Turn) -> Step:
    if clear_stop(turn.text) or stops_one_of_mine(turn):
        return STOP
    return Step([say("berhenti.which", options=WHICH.labels())], S.WHICH)


def which(turn: Turn) -> Step:
    answer = turn.pick(WHICH)
    if answer == "stop":
        return STOP
    if answer == "erase":
        return Step([], None, switch_to="hapus_data")
    if answer == "menu":
        return Step([], None, switch_to="menu")
    return unhandled(say("common.choose_again", options=WHICH.labels()), state=S.WHICH)


FLOW = Flow(name="berhenti", entry_intents=("berhenti",), start=start, steps={S.WHICH: which}, reads_intent=reads_intent,
            menu_label="menu.item.berhenti", asks={S.WHICH: Ask(WHICH)}, effects=(OptOut,),
            switches=("hapus_data", "menu", "langganan"))
