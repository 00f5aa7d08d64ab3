"""The one answer matcher: what a short reply means for the question the bot asked.

Every question with choices in every flow reads its answer here, so "1", "nomer 2", "siji", "1️⃣",
"ya daftarkan", "pilih tanggal lain", "iyo", "mboten", "lewati" or "apik pol" mean the same thing in
every state. Pure functions of strings; the table of tests is tests/flows/test_answers.py.

Word lists are Indonesian, Javanese (ngoko and krama) and Madurese as residents of Pasuruan write
them, spelling variants included.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Callable, Protocol, Sequence

from rapidfuzz import fuzz

# — numbers —
NUMBER_WORDS: dict[str, int] = {}
for _n, _words in {
    1: "satu siji setunggal settong sittong setong sitok sitong pertama kesatu kapisan sepisan",
    2: "dua loro kalih duwa dua' kedua kaping2 keloro",
    3: "tiga telu telo tello tigo ketiga katelu",
    4: "empat papat sekawan empa' empa' keempat kapapat",
    5: "lima limo gangsal lema lema' kelima kalima",
    6: "enam enem nenem ennem keenam",
    7: "tujuh pitu petto' petto ketujuh",
    8: "delapan wolu ballu' ballu kedelapan",
    9: "sembilan songo sanga sanga' kesembilan",
    10: "sepuluh sepuloh sedasa sedoso sapolo sapoloh kesepuluh",
    11: "sebelas sewelas sabellas sabelas",
    12: "rolas",
    13: "telulas",
    14: "patbelas",
    15: "limolas limalas",
    16: "nembelas",
    17: "pitulas",
    18: "wolulas",
    19: "sangalas songolas",
}.items():
    for _w in _words.split():
        NUMBER_WORDS[_w.replace("'", "")] = _n
# 12–19 said as a unit and "-teen": "dua belas", "kalih welas", "tello bellas", "duwabelas" (one word).
TEEN_WORDS = frozenset("belas welas bellas blas".split())
_TEEN_FUSED = re.compile(r"^(\w+?)(belas|welas|bellas)$")


def _teen(unit: str, teen: str) -> int | None:
    n = NUMBER_WORDS.get(unit)
    return 10 + n if teen in TEEN_WORDS and n is not None and 2 <= n <= 9 else None


def _number_word(token: str) -> int | None:
    """One word's number: "sapolo", "rolas", "duwabelas" (a unit and "belas" written together)."""
    if token in NUMBER_WORDS:
        return NUMBER_WORDS[token]
    fused = _TEEN_FUSED.match(token)
    return _teen(fused.group(1), fused.group(2)) if fused else None


def _joined_teens(tokens: list[str]) -> list[str]:
    """"dua belas" → "12", "empa bellas" → "14": a unit word followed by a -teen word is one number."""
    out: list[str] = []
    for t in tokens:
        n = _teen(out[-1], t) if out else None
        if n is not None:
            out[-1] = str(n)
        else:
            out.append(t)
    return out

# Words around a number that do not change it: "no 1", "nomer loro", "sing nomer 2 mawon", "ke-2".
NUMBER_FILLERS = frozenset(
    "no nmr nomer nomor nombor angka pilih pilihan opsi yang sing seng ingkang ke kaping sing nomer".split())

# Politeness and particles that carry no answer: "nggih pak", "gak ada bu", "yang itu aja".
FILLERS = frozenset("""
    aja saja ae wae mawon tok pak bu bapak ibu mas mbak mba kak dik cak ning lek deh dong lah kok sih min gan
    nak cong kaka ebu eppak buk ibuk mbok kang yu mbakyu dek adek le nduk ndhuk om bude pakde lur rek gus
    wis wes sampun udah sudah nih tuh itu iku kuwi niku ini iki niki punika mpun yawis dipun
    yaudah yaudh yaudahh yauda ywdh yowis yowes yawes yodah
""".split())

# — yes / no —
YES_WORDS = frozenset("""
    ya iya iyah iyaa yaa y iy iyy yy yup yes iyo iyoo yo yoi yoii ok oke okay okey okee sip siip siap setuju nggih
    ngih enggih inggih enggeh nggeh geh leres betul benar bener boleh mau gelem purun hooh hoo
    he eh monggo mangga lanjut lanjutkan enggi engghi iye iyeh ngge nggeh inggeh injih enjih njih lerres
""".split())
NO_WORDS = frozenset("""
    tidak tdk tak ta gak ga gk nggak ngga enggak engga ndak nda ora orak mboten boten
    jangan ojo ojok enja enjek bukan sanes salah emoh moh ogah no nope bunten bhunten banne ampun
""".split())
# "aja" is Indonesian "just" far more often than Javanese "don't", so it stays a filler.

# — skip at an optional step: whole answers meaning "nothing to add" —
SKIP_PHRASES = frozenset(p.strip() for p in """
    lewati|lewat|lewatin|skip|lompati|lanjut|gak ada|ga ada|gk ada|nggak ada|enggak ada|ndak ada|nda ada|
    tidak ada|tdk ada|tak ada|ta ada|gak onok|ga onok|ndak onok|nggak onok|gak enek|ga enek|ndak enek|
    ora ono|ora onok|ora enek|ora ana|mboten wonten|boten wonten|mboten enten|tade|tadek|tada|ta ada|
    kosong|nihil|none|tidak|gak|ga|nggak|enggak|ndak|ora|mboten|boten|no|tidak usah|gak usah|ga usah|
    ndak usah|ora usah|mboten usah|tidak perlu|gak perlu|ga perlu|ndak perlu|cukup|sudah cukup|ra usah|
    nggak usah|enggak usah|ngga usah|gk usah|tdk usah|gausah|gausah|ora sah|rasah|mboten sah|boten usah|
    nggak perlu|enggak perlu|tdk perlu|ora perlu|wis gak usah|wes gak usah|wis ora usah|
    gak onok foto|gak ada foto|tidak ada foto|ndak onok foto|tidak ada catatan|gak ada catatan|
    ga ada catatan|tidak ada saran|gak ada saran|ga ada saran|ndak onok saran|gak onok catatan|
    ta usa|ta osa|tak usa|tak osa|ta perlo|ta parlo|ta perlu|mboten perlu|boten perlu|ampun|sampun mboten usah|
    mboten sah|boten sah|ampun usah
""".replace("\n", "").split("|"))

# — thanks and closings: a friendly word back, never a miss —
THANKS_WORDS = frozenset("""
    makasih mksh makasi trimakasih terimakasih terima kasih kasih thanks thank thx tq tengkyu suwun
    matur nuwun sembah maturnuwun suwon sakalangkong kalangkong sakelangkong nuwun
""".split())
CLOSING_WORDS = frozenset("""
    ok oke okay okey okee sip siip siap mantap mantab baik baiklah nggih inggih enggih iya ya yo iyo
    sama sami jos joss beres paham ngerti dah daah dadah good bye bai dadaah jumpa sampai wassalam
    yowis yowes yawes wis wes sampun banyak banget bgt sekali sanget sangat pol
""".split())

# — ratings 1..5 —
_RATING_WORDS = {
    "buruk": 1, "jelek": 1, "elek": 1, "ancur": 1, "parah": 1, "kecewa": 1, "awon": 1, "bosok": 1,
    "kurang": 2, "lambat": 2, "lama": 2, "suwe": 2,
    "cukup": 3, "biasa": 3, "lumayan": 3, "sedang": 3, "standar": 3, "lumayanlah": 3,
    "baik": 4, "bagus": 4, "apik": 4, "sae": 4, "becik": 4, "puas": 4, "oke": 4, "ok": 4, "senang": 4,
    "seneng": 4, "cepat": 4, "cepet": 4, "ramah": 4, "mantap": 5, "mantep": 5, "mantul": 5, "mantab": 5, "top": 5,
    "sempurna": 5, "luar": 5, "hebat": 5, "josss": 5, "jos": 5, "joss": 5, "istimewa": 5, "memuaskan": 5,
}
_INTENSIFIERS = frozenset("pol poll sangat banget bgt sekali sanget tenan temen nemen amat puol".split())
_NEGATIONS = frozenset("tidak tdk gak ga nggak enggak ndak ora mboten boten kurang".split())

# Words in option labels too common to tell options apart.
LABEL_STOPWORDS = frozenset("saya untuk ini itu dengan ke di dan atau yang ada kec kecamatan desa".split())
# Place words: in a label they count only as its first word ("ubah desa" → "2. Desa/kelurahan", while
# "desa" alone at the menu is not "Kirim usulan pembangunan desa"), and in an answer they are no stray
# word ("ya, desa martopuro" at "1. Ya 2. Bukan").
_PLACE_WORDS = frozenset("kec kecamatan desa kelurahan".split())
_MAX_UNKNOWN = 1      # words of an answer that match no option and are no filler
_MAX_WORDS = 6        # longer messages are statements, not answers to a choice

_KEYCAP = re.compile("[\ufe0f\u20e3]")
_EMOJI_DIGITS = {"🔟": "10"}
_NON_WORD = re.compile(r"[^\w\s\-]")
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Casefolded, emoji keycaps as digits, apostrophes dropped, punctuation as spaces."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    for emoji, digits in _EMOJI_DIGITS.items():
        text = text.replace(emoji, f" {digits} ")
    text = _KEYCAP.sub(" ", text).replace("'", "").replace("’", "")
    text = re.sub(r"(?<=\d)[.)]", " ", text)  # "1." "2)"
    text = _NON_WORD.sub(" ", text)
    text = re.sub(r"(?<!\w)-(?!\w)|(?<=\w)-(?=\d)", " ", text)  # a lone "-" and "ke-2" split
    return _SPACES.sub(" ", text).strip()


# "ya ampun, 1", "waduh, nomer 2", "astaga iya": an exclamation before the answer is no part of it ("ampun" is
# krama "don't" only when it is not "ya ampun").
_INTERJECTION = re.compile(r"^\W*(?:(?:ya\s*ampun|yaampun|astaga\w*|astagfirullah\w*|masya\s*allah|waduh|aduh|"
                           r"adoh\s+biyung|walah\w*)\b[\s,.!]*)+", re.IGNORECASE)


def words(text: str) -> list[str]:
    return normalise(_INTERJECTION.sub("", text or "")).split()


def _content(tokens: Sequence[str]) -> list[str]:
    return [t for t in tokens if t not in FILLERS]


# Words around a number that point back to an option or a choice made before, never a quantity: "4 wae,
# podo karo sing mau" (the same as before), "yg 3 kak", "aku milih 2", "sing nomer 1 kados wau".
NUMBER_REFERENCES = frozenset("""
    yg sng podo padha pada sama karo kalih kaliyan kayak kaya koyo koyok kados kaya seperti kyk tadi td mau wau
    barusan kemarin wingi milih pilih dipilih tak aku saya sy kula kulo engkok kaula ambil jupuk njupuk mendhet
    ya yo ye nggih inggih ok oke sip dong deh sih lah kok ae
""".split())


def number(text: str) -> int | None:
    """A whole answer that is one number: "1", "2.", "no 1", "nomer loro", "1️⃣", "setunggal", also wrapped
    in words that only point at it ("nomer 2 ae mbak", "yg 3 kak", "4 wae, podo karo sing mau")."""
    tokens = _joined_teens([t for t in words(text) if t not in NUMBER_FILLERS and t not in FILLERS])
    if len(tokens) > 1:  # the same number said twice counts once ("1 ae, sing pertama")
        numeric = {int(t) if t.isdigit() else _number_word(t) for t in tokens if t not in NUMBER_REFERENCES}
        tokens = [str(numeric.pop())] if len(numeric) == 1 and None not in numeric else tokens
    if len(tokens) != 1:
        return None
    token = tokens[0]
    if token.isdigit() and len(token) <= 2:
        return int(token)
    return _number_word(token)


def yes_no(text: str) -> bool | None:
    """True for a yes, False for a no (a no word wins: "gak setuju", "ora gelem"), None otherwise.
    Only short answers count: a long sentence that happens to hold "ya" is not a yes."""
    tokens = _content(t for t in words(text) if t not in THANKS_WORDS)
    if not tokens or len(tokens) > 4:
        return None
    if any(t in NO_WORDS for t in tokens):
        return False
    if tokens[0] in YES_WORDS or (len(tokens) <= 2 and any(t in YES_WORDS for t in tokens)):
        return True
    return None


# A yes that only agrees ("iyo wis bener", "nggih sampun leres", "iya udah cukup"): at a free-text question
# (a note) it says there is nothing to add, never a value to store.
_AGREEING = YES_WORDS | frozenset("bener benar betul leres lerres cukup pas wis wes sampun mpun udah sudah".split())


def is_affirmation(text: str) -> bool:
    """Only yes and agreeing words ("iyo wis bener", "nggih leres", "ok sip"), nothing else said."""
    tokens = [t for t in words(text) if t not in THANKS_WORDS]
    content = [t for t in tokens if t not in FILLERS]
    return bool(content) and len(tokens) <= 6 and all(t in _AGREEING for t in content)


# The first clause of a message, before a comma or a "but": "nggih, nanging mboten usah dipun engetaken".
_FIRST_CLAUSE = re.compile(r"^\s*([^,.;!?\n]+?)\s*(?:[,.;!?\n]+\s*|\s+(?=(?:tapi|tp|tpi|nanging|namung|namun|cuma|cuman|"
                           r"tapeh|tape)\b))(\S.*)$", re.IGNORECASE | re.DOTALL)


def opens_with_yes(text: str) -> str | None:
    """What follows a yes that opens the message ("nggih, nanging mboten usah dipun engetaken": "nanging ...";
    "iyo, daftarno kanggo bojoku": "daftarno ..."); None when the message does not open with a clear yes."""
    m = _FIRST_CLAUSE.match(text or "")
    if not m or yes_no(m.group(1)) is not True:
        return None
    return m.group(2)


NEVER_MIND_WORDS = frozenset("usah perlu sah rasah gausah usa osa".split())
_NEVER_MIND_WORDS = NEVER_MIND_WORDS


def is_never_mind(text: str) -> bool:
    """"nggak usah", "ora perlu", "gausah": a skip phrase that also means "drop it" where nothing can be skipped."""
    return is_skip(text) and any(t in _NEVER_MIND_WORDS for t in words(text))


# Leaving the flow under way, and nothing else: "batal dulu, belum mau daftar", "gak sido ndaftar sik",
# "mboten sios ndaftar rumiyin", "batal aja lah", "ta' jadi daftar, engkok bhai". A leave word (a "not" with
# "sido/jadi/sios", or "batal…") and around it only the flow's own verb, "not yet / later" and particles:
# no new request, no stop of reminders, no ticket named.
_LEAVE_NOT = frozenset("gak ga gk g nggak ngga enggak engga ndak nda ora ra tidak tdk ta tak mboten boten ndhak".split())
_LEAVE_DONE = frozenset("jadi jd sido sida sios siyos".split())
_LEAVE_VERB = re.compile(r"^(?:batal|btal|btl|cancel)\w*$")
_LEAVE_AROUND = frozenset("""
    aj dulu dlu duluan sik sek sikek disik rumiyin riyin rumiyen dimin gih ya yo yah ae aja wae mawon bae bhai lah la
    deh dah wis wes sampun mpun aku saya sy kula kulo engkok kaule sengko nanti ntar entar mengko engko mangke besok
    sesuk mbenjing lagi lg maneh malih belum blm durung drg dereng mau arep ajeng badhe pengen kepengin gelem purun
    daftar dftr ndaftar mendaftar daftarnya ndaftare ndaftaraken daftarkan daftarno pendaftaran registrasi
    usul usulan ngusul ngusulno prosesnya proses iki ini niki iku itu saiki sekarang sakniki mawon kak pak bu mas mbak
    ya soale hehe wkwk maaf sepurane ngapunten sorry dek cak ning nggih ngih njih inggih enggih
""".split())


def leaves_the_flow(text: str) -> bool:
    """"batal dulu, belum mau daftar", "gak sido ndaftar sik", "mboten sios ndaftar rumiyin": the resident
    leaves the flow under way now — nothing else (not a stop, not a ticket, not a new request)."""
    tokens = [t for t in words(text) if t not in FILLERS and t not in THANKS_WORDS]
    if not tokens or len(tokens) > 9:
        return False
    said = False
    rest: list[str] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if _LEAVE_VERB.match(t):
            said = True
        elif t in _LEAVE_NOT and i + 1 < len(tokens) and tokens[i + 1] in _LEAVE_DONE:
            said = True
            i += 1
        else:
            rest.append(t)
        i += 1
    return said and all(t in _LEAVE_AROUND for t in rest)


_REGISTRATION_WORDS = frozenset("daftar dftr ndaftar mendaftar daftarnya ndaftare ndaftaraken daftarkan daftarno "
                                "pendaftaran registrasi usul usulan ngusul ngusulno".split())


def leaves_a_change(text: str) -> bool:
    """"gak jadi", "ora sido", "batal wae" while one answer is being changed at a summary: the change is
    dropped, not the registration ("batal dulu, belum mau daftar" still leaves it: it names the registration)."""
    return leaves_the_flow(text) and not _REGISTRATION_WORDS & set(words(text))


# "there is none" in chat spelling: a no and a there-is word ("gk ad", "ga ada apa2", "mboten wonten
# nopo-nopo", "ora ono maneh"), or the two run together ("gada", "gaada", "gkada", "ndakada", "gaonok").
_NONE_NEG = frozenset("tidak tdk tak ta gak ga gk g nggak ngga enggak engga ndak nda ora orak mboten boten ra".split())
_NONE_EXIST = frozenset("ada ad onok ono enek ana wonten enten onten bada bede bedeh badha endik ndik".split())  # Madurese: ta' bada, ta' endik
_NONE_TAIL = frozenset("""
    apa apa2 apapa apaapa opo opo2 oponopo nopo nopo2 napa napa2 menapa sing seng lagi lg maneh meneh malih manih
    catatan tambahan foto saran pesan keterangan sih kok koq kq dah deh kak sama sekali blas babar pisan
    nggih ngge nggeh enggih inggih ya yo
""".split())
_NONE_FUSED = re.compile(r"^(?:(?:g|ga|gk|gak|ng?ga|ndak|nda|tdk|tidak|ora|ra)(?:ada|ad|onok|ono|enek)|tadha|tadhak|tadah)$")


def is_skip(text: str) -> bool:
    """At an optional step: "lewati", "gak ada", "ndak onok", "-", "kosong", "gk ad", "gada" … (never content)."""
    raw = (text or "").strip()
    if raw and set(raw) <= set("-_.–— "):
        return True
    tokens = [t for t in words(text) if t not in FILLERS and t not in THANKS_WORDS]
    if not tokens:
        return False
    if " ".join(tokens) in SKIP_PHRASES:
        return True
    if _NONE_FUSED.match(tokens[0]):
        rest = tokens[1:]
    elif len(tokens) >= 2 and tokens[0] in _NONE_NEG and (tokens[1] in _NONE_EXIST or _NONE_FUSED.match(tokens[1])):
        rest = tokens[2:]  # Madurese "ta' bedeh", "ta' tadha'" (a no before the word that already says none)
    else:
        return False
    return all(t.split("-")[0] in _NONE_TAIL or t in FILLERS for t in rest)  # "nopo-nopo"


# Words that say "there is none" ("gak ada", "ndak onok", "mboten wonten"), unlike a bare "tidak".
_NONE_WORDS = _NONE_EXIST | frozenset("kosong nihil none tade tadek tada".split())


def is_none(text: str) -> bool:
    """A skip that says "there is none" rather than "no": at "Mau saya hubungkan dengan petugas?",
    "ndak onok" still answers the question underneath (the desa), while "tidak" declines."""
    raw = (text or "").strip()
    if raw and set(raw) <= set("-_.–— "):
        return True
    return is_skip(text) and any(t in _NONE_WORDS or _NONE_FUSED.match(t) for t in words(text))


def is_closing(text: str) -> bool:
    """Only thanks or a closing ("suwun nggih", "makasih bu", "ok siap"): answer kindly, move on."""
    tokens = _content(words(text))
    if not tokens or len(tokens) > 6:
        return False
    return all(t in THANKS_WORDS or t in CLOSING_WORDS for t in tokens)


# A question asked, not an answer given: "kantor dukcapil buka tiap hari gk?", "piye carane?", "bisa diwakilkan ta".
_QUESTION_START = frozenset("""apa apakah opo nopo napa menapa kapan kpn kapa piye pripun gimana gmn gmna bagaimana
    berapa brp piro pinten dimana mana nandi ngendi pundi siapa sopo sinten sapa kenapa ngapa ngopo kok bisakah
    bolehkah napah""".split())
_QUESTION_END = frozenset("""gak ga gk nggak ngga enggak tah toh kah mboten nopo napa opo apa piye pripun gimana kapan
    endi ngendi pundi mana blm belum durung dereng ndak tidak ta to a ya yo""".split())


def is_question(text: str) -> bool:
    """A question ("…?", a question word first, a tag word last): never stored as a name or a value."""
    if "?" in (text or ""):
        return True
    tokens = words(text)
    return bool(tokens) and (tokens[0] in _QUESTION_START or (len(tokens) >= 3 and tokens[-1] in _QUESTION_END))


def is_thanks(text: str) -> bool:
    return is_closing(text) and any(t in THANKS_WORDS for t in words(text))


def is_yes_then_thanks(text: str) -> bool:
    """"nggih, matur nuwun", "iya makasih", "ya sakalangkong": a yes said first, thanks after — an answer.
    Thanks first with a softening particle after ("suwun nggih", "makasih ya") stays thanks only."""
    tokens = _content(words(text))
    return (len(tokens) >= 2 and tokens[0] in YES_WORDS and tokens[0] not in THANKS_WORDS
            and any(t in THANKS_WORDS for t in tokens[1:]) and yes_no(text) is True)


_WORD_SPANS = re.compile(r"[\w']+")


def after_thanks(text: str) -> str | None:
    """What follows thanks said first ("sakalangkong, pas kaula ngibe berkas se padha?", "makasih kak, syaratnya
    apa aja?"): the question, for thanks there are only a courtesy. None when nothing but thanks or a closing
    follows ("suwun nggih", "makasih banyak ya"), or the message does not start with thanks."""
    spans = list(_WORD_SPANS.finditer(normalise_keep_case(text)))
    i = 0
    while i < len(spans) and (spans[i].group().casefold() in THANKS_WORDS or spans[i].group().casefold() in FILLERS
                              or spans[i].group().casefold() in CLOSING_WORDS):
        i += 1
    if i == 0 or not any(s.group().casefold() in THANKS_WORDS for s in spans[:i]):
        return None
    rest = normalise_keep_case(text)[spans[i].start():].strip() if i < len(spans) else ""
    return rest if len(words(rest)) >= 2 and not is_closing(rest) else None


def normalise_keep_case(text: str) -> str:
    """The text as typed, only its emoji keycaps and apostrophes evened out (for cutting it into parts)."""
    return unicodedata.normalize("NFKC", text or "").replace("’", "'")


def rating(text: str, top: int = 5) -> int | None:
    """A 1..5 rating: "5", "lima", "⭐⭐⭐⭐", "apik pol" (5), "apik" (4), "elek" (1), "gak apik" (2)."""
    stars = text.count("⭐") + text.count("★")
    if stars and not words(text.replace("⭐", "").replace("★", "")):
        return min(stars, top)
    tokens = words(text)
    digits = [int(t) for t in tokens if t.isdigit()]
    if len(digits) == 1 and 1 <= digits[0] <= top and len(tokens) <= 4:
        return digits[0]
    n = number(text)
    if n is not None:
        return n if 1 <= n <= top else None
    scores = [_RATING_WORDS[t] for t in tokens if t in _RATING_WORDS]
    if not scores or len(tokens) > 8:
        return None
    score = max(scores) if min(scores) > 2 else min(scores)
    negated = any(t in _NEGATIONS for t in tokens) and score >= 3
    if negated:
        return 2
    if any(t in _INTENSIFIERS for t in tokens):
        score = top if score >= 4 else 1 if score <= 2 else score
    return score


def _token_matches(typed: str, label: str) -> bool:
    if typed == label:
        return True
    if len(typed) >= 3 and label.startswith(typed):  # a prefix typed: "daf", "ingat"
        return True
    if len(label) >= 4 and typed.startswith(label):  # inflected: "hapusen", "daftarkan", "ubahen"
        return True
    return len(typed) >= 4 and label.endswith(typed)  # without the prefix: "beda" for "berbeda"


# The words of the bot's own option labels as residents say them (Javanese ngoko/krama, Madurese),
# where the recogniser's normaliser has no entry: "ganti jeneng" / "gantos nami" at "2. Ubah" then
# "1. Nama". Both the answer's and the labels' words are read through this.
OPTION_SYNONYMS = {
    "ganti": "ubah", "gantos": "ubah", "gantien": "ubah", "rubah": "ubah", "ngubah": "ubah", "ubahen": "ubah",
    "benakno": "ubah", "perbaiki": "ubah", "koreksi": "ubah",
    "jeneng": "nama", "jenenge": "nama", "nami": "nama", "naminipun": "nama", "asma": "nama",
    "deso": "desa", "desane": "desa", "dusun": "desa",
    "cathetan": "catatan", "catetan": "catatan", "cathetane": "catatan",
    "jadwale": "jadwal", "jadual": "jadwal",
    "liyane": "lain", "liyo": "lain", "liane": "lain", "lainnya": "lain", "sanesipun": "lain",
    "busak": "hapus", "dibusak": "hapus", "busaken": "hapus", "busakaken": "hapus", "èbusak": "hapus",
}


class Lexicon(Protocol):
    """What the recogniser knows of residents' words (flows/nlu's normaliser), for `pick`."""

    def formal(self, text: str) -> list[str]: ...  # "ingetno aku" -> ["ingatkan", "saya"], "daptar" -> ["daftar"]
    def known(self, word: str) -> bool: ...  # a real word of some language, not a typo


# A typo is read as an option's word only when both are this long and this close: "dukug" → "dukung"
# (90.9), "ingatkn" → "ingatkan" (93.3); short words are too near each other to guess ("ubah"/"usah").
FUZZY_MIN_LENGTH = 5
FUZZY_CUTOFF = 85


def pick(text: str, labels: Sequence[str], *, yes: int | None = None, no: int | None = None,
         lexicon: Lexicon | None = None) -> int | None:
    """Which option (0-based) the answer means, or None. `labels` are the options as shown;
    `yes`/`no` say which option a bare yes or no stands for.

    In order: a number; then words of an option's label that no other option has (a prefix or an
    inflection counts); a yes or no word counts for the option it stands for. An answer naming two
    options, or with more than one word unrelated to any option, means none of them.

    With a `lexicon`, an answer that picks nothing as written is read again in plain Indonesian
    (Javanese, krama, slang: "ingetno aku" is "ingatkan saya", "daptar" is "daftar"), labels too,
    and an unknown word may be a typo of one option's own long word ("dukug"). The same strictness
    holds: two options named, or unrelated words, pick nothing."""
    n = number(text)
    if n is not None:
        return n - 1 if 1 <= n <= len(labels) else None
    tokens = _answer_words(words(text))
    if not tokens or len(tokens) > _MAX_WORDS:
        return None
    if no is not None and yes_no(text) is False:  # "mboten purun", "ora gelem": the no word wins
        tokens = [t for t in tokens if t not in YES_WORDS]
    found = _pick_tokens(tokens, [_label_words(words(label)) for label in labels], yes, no)
    if found is not None or lexicon is None:
        return found
    tokens = _answer_words(lexicon.formal(text))
    if not tokens or len(tokens) > _MAX_WORDS:
        return None
    # Yes and no are read as written only: the normaliser turns "badhe" (krama "want") into "mau",
    # which would be a yes ("kulo badhe tangled" is no answer to "1. Daftar 2. Pilih tanggal lain").
    return _pick_tokens(tokens, [_label_words(lexicon.formal(label)) for label in labels], None, None,
                        typo=lambda t: not lexicon.known(t))


def _label_words(tokens: Sequence[str]) -> set[str]:
    # A label's first word is what it is about, even a common one: "Desa/kelurahan" (what to change)
    # answers "ubah desa", while the "desa" of "Kirim usulan pembangunan desa" names nothing.
    return {OPTION_SYNONYMS.get(t, t) for i, t in enumerate(tokens) if i == 0 or t not in LABEL_STOPWORDS}


def _answer_words(tokens: Sequence[str]) -> list[str]:
    return [OPTION_SYNONYMS.get(t, t) for t in _content(tokens)]


def _typo_owners(token: str, label_tokens: Sequence[set[str]]) -> set[int]:
    """The options with a long word this unknown token is one slip away from."""
    if len(token) < FUZZY_MIN_LENGTH or not token.isalpha():
        return set()
    return {i for i, lt in enumerate(label_tokens)
            if any(len(t) >= FUZZY_MIN_LENGTH and fuzz.ratio(token, t) >= FUZZY_CUTOFF for t in lt)}


def _pick_tokens(tokens: Sequence[str], label_tokens: Sequence[set[str]], yes: int | None, no: int | None,
                 typo: Callable[[str], bool] | None = None) -> int | None:
    hits = [0] * len(label_tokens)
    unknown = 0
    for token in tokens:
        owners = {i for i, lt in enumerate(label_tokens) if any(_token_matches(token, t) for t in lt)}
        # A word of a label counts for that option ("lanjutkan yang tadi"); a bare yes/no word for
        # the option it stands for.
        if not owners and token in YES_WORDS and yes is not None:
            owners = {yes}
        elif not owners and token in NO_WORDS and no is not None:
            owners = {no}
        elif not owners and typo is not None and typo(token):
            owners = _typo_owners(token, label_tokens)
        if len(owners) == 1:
            hits[owners.pop()] += 1
        elif not owners and token not in LABEL_STOPWORDS and token not in _PLACE_WORDS and token not in THANKS_WORDS:
            unknown += 1
    chosen = [i for i, h in enumerate(hits) if h]
    if len(chosen) != 1 or unknown > _MAX_UNKNOWN:
        return None
    return chosen[0]
