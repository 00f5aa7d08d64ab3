"""Who a registration is for, and the name taken out of the sentence it came in.

Residents register for their children, parents, spouse, grandparents, and say so in their own words:
"untuk anak saya", "putu kula", "ana' kaule", "eh bukan aku, nama anakku Raka", "Ibu kula asmanipun
Siti Aminah", "bapak saya umur 72 tahun", "nyamana Hasan", "atas nama Dewi". Pure functions of the
text; the table of tests is tests/flows/test_person.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Relation words as residents write them (Indonesian, Javanese ngoko/krama, Madurese) → the relation.
RELATION_WORDS: dict[str, str] = {}
for _rel, _words in {
    "anak": "anak anaku anakku anake anakke anakipun putra putri putrane putrine putrinipun putranipun ana' ana "
            "anak'eh ana'en ana'na",
    "ibu": "ibu ibuk ibuku ibune mak emak emakku mamak mama mamah mboke mbok simbok biyung ibunipun embu' embu "
           "ebu' ebu ebhu' ibukku",
    "bapak": "bapak bapakku bapake ayah ayahku abah abahku rama ramane bapa' eppa' eppa bapakipun bapa",
    "suami": "suami suamiku lanangku lake' lakeh lakek lakik kakung lakena lake'na lakenah",
    "istri": "istri istriku bini biniku wedokku rabi rabine bine bini' binena bine'na binenah",
    "pasangan": "bojo bojoku bojone garwo garwa garwane garwanipun garwaku",
    "mbah": "mbah mbahku mbahe nenek kakek eyang eyangku simbah embah nenekku kakekku mbah_kakung mbah_putri "
            "juju' juju kaki nyai",
    "cucu": "cucu cucuku putu putuku putune wayah wayahipun kompoy kompoi",
    "adik": "adik adikku adike adhik adhiku adi' rayi rayine",
    "kakak": "kakak kakakku mbakyu kangmas masku mbakku kaka' kakang",
    "mertua": "mertua mertuaku maratuwa morotuwo marasepuh",
    "keponakan": "keponakan ponakan ponakanku keponakanku kapona'an",
}.items():
    for _w in _words.split():
        RELATION_WORDS[_w.replace("_", " ")] = _rel

# Relations read from a word only next to a possessive or a "for" (a bare "ibu"/"bu" is how one
# addresses the bot's reader, "mas"/"mbak" too, so they never count alone).
_POSSESSIVE = r"(?:saya|sy|aku|ku|kula|kulo|dalem|kaule|kaula|kule|engkok|sengko|gue|gw|ane)"
_FOR = r"(?:untuk|utk|untk|buat|bwt|kanggo|kangge|kagem|gawe|gae|damel|kaangguy|kaanggui|ngangguy|atas\s+nama|an)"
_SELF = re.compile(r"\b(?:diri\s+sendiri|saya\s+sendiri|sy\s+sendiri|aku\s+(?:dewe|dhewe|dewek|dhewek|sendiri)|"
                   r"kula\s+(?:piyambak|piambak|kiyambak)|kulo\s+(?:piyambak|piambak)|dewe|dhewe|piyambak|"
                   r"kaule\s+dh?ibi'?|dh?ibi'|engkok\s+dh?ibi'?|untuk\s+saya|buat\s+saya|kanggo\s+aku|gawe\s+aku|"
                   r"kangge\s+kula|damel\s+kula|"
                   # "nggih, daftaraken kula", "daftarno aku ae", "daftarkan saya": the writer registers themself
                   r"(?:daftar|ndaftar|daptar)(?:aken|ake|kan|kno|no|ne|in|ken)?\s+(?:kula|kulo|saya|sy|aku|kaule|engkok))(?![\w'])",
                   re.IGNORECASE)

_REL_ALTS = "|".join(sorted((re.escape(w) for w in RELATION_WORDS), key=len, reverse=True))
# "sanes putu kula", "bukan buat anak saya", "dudu bojoku": a relation denied is none (a correction).
_NEGATED_RELATION = re.compile(
    rf"(?<![\w'])(?:bukan|bkn|dudu|sanes|benten|bunten|bhunten)\s+(?:(?:{_FOR})\s+)?(?:{_REL_ALTS})(?:\s+{_POSSESSIVE})?(?![\w'])",
    re.IGNORECASE)
# "anak saya", "ana' kaule", "putu kula", "anakku", "untuk ibu", "kanggo mbahku".
_RELATION = re.compile(
    rf"(?:(?<![\w'])(?:{_FOR})\s+(?P<a>{_REL_ALTS})(?![\w'])|(?<![\w'])(?P<b>{_REL_ALTS})\s+{_POSSESSIVE}(?![\w'])|"
    rf"(?<![\w'])(?P<c>(?:{_REL_ALTS}))(?:ku|ne|e|ipun|nipun)?(?![\w']))",
    re.IGNORECASE)


# "aku anake", "saya anaknya", "kula putranipun", "engkok ana'na": the writer says who THEY are (a clause
# opening with I + a relation word): the relation of the person the ticket is for comes from elsewhere.
_WRITER_ROLE = re.compile(
    rf"(?:^|[,.;!?\n])\W*(?:saya|sy|aku|kula|kulo|dalem|kaule|engkok|gue|gw)\s+(?:(?:iki|ini|niki|puniki)\s+)?"
    rf"(?:{_REL_ALTS})(?:nya|ne|e|ipun|nipun|na|epon)?(?![\w'])", re.IGNORECASE)
# A relation word in any of its forms ("anaknya", "putranipun", "bojone"): never a name.
_RELATION_FORM = re.compile(rf"^(?:{_REL_ALTS})(?:nya|ne|e|ipun|nipun|na|epon|ku)?$", re.IGNORECASE)
# Words a relation may stand alone as (they carry a possessive of their own: "anakku", "putune").
_OWNED = re.compile(r"(?:ku|ne|ipun|nipun|e|na|nah)$")
# Relation words that alone are an address or too common to mean the relation without a possessive.
_ADDRESS_ONLY = frozenset("ibu ibuk bapak bapa mak mbok ayah abah mbah kakak adik rama kaki nyai bojo anak ana "
                          "cucu putra putri eyang nenek kakek embah simbah mama mamah mamak".split())

# Where a name is said to start: "nama(nya|ne) [relation] [possessive] X", "jenenge X", "asmanipun X".
# The possessive ends at a word's end: "ibu kula Tuminah" is not "ibu ku" + "la Tuminah".
_NAME_MARK = re.compile(
    r"(?<![\w'])(?P<mark>nama|namanya|namane|nami|naminipun|namine|asma|asmane|asmanipun|jeneng|jenenge|jenengipun|"
    r"jenengku|namaku|asmaku|nyamana|nyama|nyamaepon|nyamanah|atas\s+nama|a\.?\s?n\.?)(?![\w'])"
    rf"(?P<rel>\s+(?:{_REL_ALTS})(?![\w']))?(?P<poss>\s+{_POSSESSIVE}(?![\w']))?"
    r"(?:\s+(?:adalah|ialah|yaiku|inggih\s+punika|yaitu|iku|niku))?"
    r"[\s:,=-]*", re.IGNORECASE)
# Marks of the writer's own name: "nama saya", "asma kula", "jenengku" (no relation between).
_OWN_MARK_WORDS = frozenset("jenengku namaku asmaku".split())
# "kula Slamet, badhe ndaftaraken bapak kula", "aku Slamet, arep ndaftarno bapakku": the writer says who they
# are, first, before the relative the ticket is for.
_SELF_INTRO = re.compile(rf"^\W*(?:(?:perkenalkan|kenalkan|kulo\s+nuwun|permisi|assalamualaikum)\W+)?{_POSSESSIVE}(?![\w'])\s+",
                         re.IGNORECASE)
# Words that end a name in a sentence.
STOP_AFTER_NAME = frozenset(
    """dari saka seko teko soko saking asli asal warga desa dusun kelurahan kecamatan kec ds di ing wonten mau arep
    badhe ingin pengen pingin kepingin minta nyuwun umur umure umuripun usia usianya yuswa yuswane taun tahun thn
    nik alamat tinggal rt rw dan lan karo kaliyan sareng ktp kk akta kia bansos salah keliru beda berbeda tidak gak
    ora mboten belum sudah wis sampun kok ganti ada typo kurang lebih tok thok mawon wae ae aja saja pak bu mas mbak
    kak min lho loh ya yo nggih ngih iya sing yang seng ingkang kelas sekolah lahir lair mau kudu harus perlu
    tapi tp nanging namung terus trus lalu kemudian sama ambi juga jg uga ugi dereng durung derung urung
    mlebet mlebu masuk lepat sala kleru kliru klentu""".split())
# Titles before a name are how one is addressed, not the name on the KK.
TITLES = frozenset("""bapak pak ibu bu mas mbak sdr sdri saudara saudari an a.n almarhum almarhumah alm alm. almh almh.
    mendiang swargi suwargi marhum marhumah""".split())
# Words that never are (part of) a name: a sentence typed at the name question is asked again.
NOT_NAME_WORDS = frozenset(
    """saya aku kula kulo sy dalem kaule engkok untuk buat kanggo gawe damel mau ingin arep badhe pengen pingin
    daftar daftarkan ndaftar ndaptar bikin buat urus ngurus gimana bagaimana piye pripun kapan dimana nang neng
    ning teng ke di dari ya iya nggih ngih tidak gak ora mboten enggak nggak bukan bkn dudu sanes umur usia
    tahun taun thn yuswa sudah wis sampun belum durung bisa isa iso saged apa opo nopo napa ini iki niki itu iku
    niku tolong minta nyuwun mohon terima kasih suwun matur nuwun makasih sakalangkong anak ibu bapak suami istri
    mbah nenek kakek cucu putu adik kakak eh loh lho anu nama nami jeneng asma ktp kk kia akta bansos layanan
    tiket jadwal desa kecamatan ok oke siap sendiri dewe dhewe piyambak dibi' kabeh semua halo hai assalamualaikum selamat pagi siang sore malam
    ndak nda tau tahu ngerti ngertos ngerteni lupa lali kesupen
    ga gk g gak ngga nggak engga kagak tdk tak ta' enjek enja' ogah skip lewati lewat stop batal cancel
    salah keliru lepat sala kleru kliru
    sek sik sekedap sebentar bentar tunggu lur rek kan udh udah dah tadi td wau barusan anyar rekam cetak
    perekaman hilang ilang rusak lawas kagem almarhum almarhumah alm almh mendiang swargi suwargi""".split())
# A form of the verb "register" ("daftaraken", "ndaftarno", "didaftarkan") is never part of a name.
_REGISTER_VERB = re.compile(r"^(?:men|n|ng|di|dipun)?(?:daftar|daptar|dftr)\w*$", re.IGNORECASE)
_AGE = re.compile(r"(?:umur|umure|umuripun|usia|usianya|yuswa|yuswane|omor|omorra)\s*:?\s*(\d{1,3})|"
                  r"(\d{1,3})\s*(?:th|thn|tahun|taun|tahunan|warsa|taon)\b", re.IGNORECASE)
_NAME_WORD = re.compile(r"^[^\W\d_][\w'.-]*$")
_LEAD = re.compile(r"^\W*(?:eh+|oh+|maaf|sori|sorry|lho|loh|anu)\b[\s,.!]*", re.IGNORECASE)
_NEGATED_SELF = re.compile(r"\b(?:bukan|bkn|dudu|sanes|benten|bunten|bhunten)\s+(?:aku|saya|sy|kula|kulo|kaule|engkok)\b"
                           r"(?:\s+(?:sendiri|dewe|piyambak))?", re.IGNORECASE)
_RENAME = re.compile(
    r"^\W*(?:ubah|ganti|gantos|gantien|rubah|ngubah|benakno|benerno|perbaiki|koreksi|ralat|salah)\s+"
    r"(?:nama|namanya|namane|jeneng|jenenge|nami|naminipun|asma|asmanipun|nyama|nyamana)\b[\s,:=-]*(?:jadi|dados|dadi|menjadi|mbe|dhaddhi)?[\s,:=-]*(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL)
MAX_NAME_WORDS = 5
# "asmanipun lepat, ingkang leres Sutini", "namane salah, sing bener Sutini", "nama saya keliru, harusnya Sutini",
# "nyamana sala, se leres Sutini", "jenenge diganti Sutini wae": the name said wrong, and the right one after.
_NAME_WORDS = (r"(?:nama|namanya|namane|namae|nami|naminipun|namine|asma|asmane|asmanipun|jeneng|jenenge|jenengipun|"
               r"jenengku|namaku|asmaku|nyama|nyamana|nyamaepon)")
_RIGHT_ONE = (r"(?:(?:ingkang|sing|seng|yang|yg|se|sé|kang|sng)\s+(?:leres|leresipun|bener|benere|benar|bner|bnr|betul|btl|"
              r"betol|lerres|lerrez|asli)|harusnya|hrsnya|harus\w*|seharusnya|sebenarnya|sakjane|sejatine|kudune|kudhune|"
              r"mestine|mesthine|musti\w*|leresipun|sakleresipun|saestu\w*|diganti|digantos|diubah|dirubah|digenti|"
              r"diganteh|digante)")
_CORRECTED = re.compile(
    rf"(?<![\w']){_NAME_WORDS}(?![\w']).*?(?<![\w']){_RIGHT_ONE}(?![\w'])[\s:,=-]*"
    r"(?:(?:jadi|dadi|dados|menjadi|dhaddhi|yaitu|yaiku|inggih\s+punika|punika|adalah|iku|niku|nggih)(?![\w'])[\s:,=-]*)?"
    r"(?P<rest>.+)$", re.IGNORECASE | re.DOTALL)
# Two people in one answer: "Parmin kaliyan garwa kula Tumini", "Siti lan bojoku Slamet", "Budi dan istri saya
# Ani", "Parmin ban binena Tumini". The first is registered; the second is said to need their own.
_AND = r"(?:dan|dn|lan|karo|kro|kaliyan|kalian|sareng|ambi|sama|sm|ban|bi'|serta|&|\+)"
_TWO_PEOPLE = re.compile(rf"^(?P<first>.+?)(?:\s*,?\s+{_AND}\s+|(?P<comma>\s*,\s*))(?P<second>.+)$",
                         re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class PersonAnswer:
    """What an answer to "for whom / what name" said; `name` only when it is a name."""

    name: str | None = None
    relation: str | None = None   # RELATION_WORDS' values; None: not said
    holder: str | None = None     # the writer's own name said beside a relative's ("kula Slamet, … bapak kula")
    self_: bool = False           # "untuk saya sendiri", "aku dewe"
    age: int | None = None
    not_a_name: bool = False      # something was typed where a name was asked, and it is no name
    other_name: str | None = None      # a second person named in the same answer (never dropped silently)
    other_relation: str | None = None


# Abbreviations inside names ("Moch. Ilham", "Hj. Siti", "Muh. Yusuf", "Drs. Suparman"): their dot ends no sentence.
_NAME_ABBREVIATIONS = frozenset("""moch moh muh mochd mohd mch mhd md mukh ach achm ahm ahmd abd hj h drs dra dr ir ny nn
    tn kh sdr sdri st ust alm almh rr r m""".split())
_SENTENCE_END = re.compile(r"(?<=\w)[.!?](?=\s|$)")


def _clauses(text: str, separators: str = r"[,;!?\n]") -> list[str]:
    """The text cut at the separators and at a sentence's end — never at the dot of a name's abbreviation or an
    initial ("Moch. Ilham Firmansyah", "M. Yusuf")."""
    out: list[str] = []
    for piece in re.split(separators, text or ""):
        start = 0
        for m in _SENTENCE_END.finditer(piece):
            word = re.findall(r"[\w']+", piece[:m.start() + 1])
            if word and word[-1].casefold() in _NAME_ABBREVIATIONS or (word and len(word[-1]) == 1):
                continue
            out.append(piece[start:m.start()])
            start = m.end()
        out.append(piece[start:])
    return out


# The name said to be wrong, in either order: "namanya salah", "jenenge kleru", "salah nama", "typo namanya",
# "salah tulis nama", "asmanipun lepat".
_WRONG = r"(?:salah|sala|keliru|kliru|kleru|klentu|lepat|typo|tipo|beda|benten|kurang)"
_NAME_WRONG = re.compile(
    rf"(?<![\w']){_NAME_WORDS}(?![\w'])(?:\s+[\w']+){{0,3}}?\s+{_WRONG}(?![\w'])|"
    rf"(?<![\w']){_WRONG}(?:\s+(?:tulis|nulis|ketik|ngetik|ditulis))?\s+{_NAME_WORDS}(?![\w'])", re.IGNORECASE)
# Words around the right name that are no part of it: "harus pakai nama X", "di KK tertulis X", "X sing bener".
_AROUND_NAME = re.compile(
    rf"(?<![\w'])(?:{_RIGHT_ONE}|tertulis|ketulis|ditulis|pakai|pake|pakek|nganggo|ngangge|mawi|dengan|kanthi|sesuai|"
    rf"jadi|dadi|dados|menjadi|ketik|ngetik|tulis|nulis|tulisan|{_NAME_WORDS}|di|nang|neng|ning|ing|wonten|teng|kk|ktp|akta|kia)(?![\w'])", re.IGNORECASE)


def says_name_wrong(text: str) -> bool:
    """The message says the name is wrong ("namanya salah, …", "salah nama", "jenenge kleru")."""
    return bool(_NAME_WRONG.search(text or ""))


def corrected_name_in(text: str) -> str | None:
    """The right name where the message says the name is wrong and gives the right one ("asmanipun lepat,
    ingkang leres Sutini", "namanya salah, buat KK harus pakai nama Dewi", "namane typo, Dewi sing bener");
    None otherwise. A service named around it ("buat KK") is the reason, not a change of service."""
    text = text or ""
    m = _CORRECTED.search(text)
    if m:
        clause = _clauses(m.group("rest"))[0]
        name = clean_name(clause.split()) or clean_name(_AROUND_NAME.sub(" ", clause).split())
        if name:
            return name
    wrong = _NAME_WRONG.search(text)
    if not wrong:
        return None
    for clause in _clauses(text[wrong.end():]):
        words = _AROUND_NAME.sub(" ", clause).split()
        name = clean_name(words) if words else None
        if name:
            return name
    return None


def relation_in(text: str) -> str | None:
    """The relation a message names ("untuk anak saya" → "anak"), None when it names none. The writer's own
    role ("aku anake, arep daftarno ibuku", "kula putranipun") is who writes, not whom the ticket is for."""
    text = _NEGATED_RELATION.sub(" ", _NEGATED_SELF.sub(" ", text or ""))
    text = _WRITER_ROLE.sub(" ", text)
    for m in _RELATION.finditer(text):
        word = (m.group("a") or m.group("b") or m.group("c")).lower()
        if m.group("c") is not None:
            whole = m.group(0).lower()
            # Alone, a relation word counts only with a possessive of its own ("anakku", "putune").
            if whole in _ADDRESS_ONLY or (whole == word and word in _ADDRESS_ONLY):
                continue
            if whole == word and not _OWNED.search(word) and word not in ("putu", "wayah", "kompoy", "kompoi"):
                continue
        rel = RELATION_WORDS.get(word) or RELATION_WORDS.get(_OWNED.sub("", word))
        if rel:
            return rel
    return None


def age_in(text: str) -> int | None:
    m = _AGE.search(text or "")
    if not m:
        return None
    age = int(m.group(1) or m.group(2))
    return age if age <= 120 else None


def is_for_self(text: str) -> bool:
    return bool(_SELF.search(text or "")) and relation_in(text) is None


def clean_name(words: list[str]) -> str | None:
    """Words of a name as typed, up to the first that ends it; None when they are no name."""
    kept: list[str] = []
    for word in words:
        bare = word.casefold().strip(".,;:!?\"")
        if not bare:
            continue
        if not kept and bare in TITLES:
            continue
        if bare in STOP_AFTER_NAME or bare.isdigit():
            break
        kept.append(_name_word(word))
    return as_name(" ".join(kept))


def _name_word(word: str) -> str:
    """A word of a name as typed, its punctuation off — but the dot of an abbreviation or initial kept ("Moch.")."""
    w = word.strip(",;:!?\"")
    bare = w.rstrip(".")
    if w.endswith(".") and (bare.casefold() in _NAME_ABBREVIATIONS or len(bare) == 1):
        return bare + "."
    return bare.strip(".")


def as_name(text: str) -> str | None:
    """The text itself when it reads as a person's name (1–5 words of letters, none of them a word
    of a sentence), title-cased when typed all in lower case; else None."""
    words = (text or "").split()
    if not words or len(words) > MAX_NAME_WORDS:
        return None
    if any(not _NAME_WORD.match(w) for w in words):
        return None
    if any(w.casefold().strip(".") in NOT_NAME_WORDS or _REGISTER_VERB.match(w) for w in words):
        return None
    name = " ".join(words)
    if len(name) < 2 or len(name) > 120:
        return None
    return name.title() if name == name.lower() or name == name.upper() else name


def _own_mark(m: re.Match) -> bool:
    """"nama saya", "asma kula", "jenengku": the writer's own name, not a relative's."""
    return m.group("rel") is None and (m.group("poss") is not None or m.group("mark").lower() in _OWN_MARK_WORDS)


def holder_name_in(text: str) -> str | None:
    """The writer's own name when they also name the relative the ticket is for: "kula Slamet, badhe
    ndaftaraken bapak kula", "nama saya Budi, untuk ibu saya", "aku Slamet, arep ndaftarno bapakku" → "Slamet"."""
    text = text or ""
    if relation_in(text) is None:
        return None
    for m in _NAME_MARK.finditer(text):
        if _own_mark(m):
            name = clean_name(re.split(r"[,;.!?\n]", text[m.end():], maxsplit=1)[0].split())
            if name:
                return name
    intro = _SELF_INTRO.match(text)
    if intro is None:
        return None
    words = re.split(r"[,;.!?\n]", text[intro.end():], maxsplit=1)[0].split()
    name = clean_name(words)
    if name is None or any(_RELATION_FORM.match(w) for w in name.split()):
        return None
    return name


# "nama saya Siti Aminah dari …": a name only where the resident says it is their own. "Saya Bapak
# Hartono" is not taken: "saya" is followed as often by a job, a title or a relation ("saya ibunya").
_STATED_WORDS = re.compile(r"[^\W\d_][\w'.-]*(?:\s+[^\W\d_][\w'.-]*){0,6}")


def stated_name(text: str) -> str | None:
    """The writer's own name in "nama saya X" / "jenengku X" / "asma kula X", words up to the next that
    is not a name (titles before it dropped); None when the message does not say so."""
    m = next((m for m in _NAME_MARK.finditer(text or "") if _own_mark(m)), None)
    said = _STATED_WORDS.match(text, m.end()) if m else None
    if not said:
        return None
    words: list[str] = []
    for word in said.group(0).split():
        bare = word.casefold().strip(".")
        if not words and bare in TITLES:
            continue
        if bare in STOP_AFTER_NAME:
            break
        words.append(word.strip(".,"))
    name = " ".join(words)
    if len(name) < 2:
        return None
    return name.title() if name == name.lower() else name


# "kula Rukmini saking Blarang", "aku Paijo wong blarang", "engkok Hasan dari blarang", "saya Siti, mau daftar": the
# writer introduces themself — a name only when a place or a wish follows it (a job, "saya petani", is no name).
_INTRO = re.compile(
    rf"(?:^|[,.;!?\n]|\b(?:min|kak|pak|bu|mas|mbak|lur|dulur|nak|cak|ning))\W*(?:{_POSSESSIVE})(?![\w'])\s+(?P<rest>[^,.;!?\n]+)",
    re.IGNORECASE)
_AFTER_INTRO = frozenset("saking dari dr seko soko teka teko wong tiyang oreng orang org warga asal asli badhe mau arep "
                         "ajeng ingin pengen pingin kepingin terro ngajeng".split())
_NOT_INTRO = frozenset("""petani tani guru buruh pedagang bakul sopir pns karyawan mahasiswa pelajar siswa perangkat kades
    kepala rt rw kader bidan perawat nelayan peternak ibunya bapaknya anaknya warga orang wong tiyang oreng""".split())


def introduced_name(text: str) -> str | None:
    """The writer's own name in "kula Rukmini saking Blarang", "aku Paijo wong blarang arep gawe kk" (offered,
    never stored unasked); None when the words after "I" are no name followed by a place or a wish."""
    for m in _INTRO.finditer(text or ""):
        words = m.group("rest").split()
        kept: list[str] = []
        for word in words:
            bare = word.casefold().strip(".,;:!?\"")
            if bare in _AFTER_INTRO:
                break
            kept.append(word)
        else:
            if len(kept) != 1 or len(words) != 1:  # "…, saya Siti" ends the message: a name too
                continue
        # "Saya Bapak Hartono": how one is addressed, not the name on the KK (the profile name is offered instead).
        if not kept or len(kept) > 3 or any(w.casefold() in _NOT_INTRO for w in kept) or kept[0].casefold() in TITLES:
            continue
        name = clean_name(kept)
        if name and not any(_RELATION_FORM.match(w) for w in name.split()):
            return name
    return None


def stated_person_name(text: str, *, relative: bool = False) -> str | None:
    """The name after a name marker ("nama anakku Raka", "jenenge Bagus", "asmanipun Siti", "nyamana
    Hasan", "atas nama Dewi"), None when no marker is followed by a name. For a `relative`, the writer's
    own name ("nama saya Budi, untuk ibu saya namanya Sulastri") is not theirs."""
    for m in _NAME_MARK.finditer(text or ""):
        if relative and _own_mark(m):
            continue
        rest = _clauses(text[m.end():], r"[,;!?\n]")[0]
        name = clean_name(rest.split())
        if name:
            return name
    return None


def read_person(text: str) -> PersonAnswer:
    """An answer to the name question, in any of the ways residents give one."""
    raw = (text or "").strip()
    body = _LEAD.sub("", raw)
    corrected = corrected_name_in(body)
    if corrected:
        return PersonAnswer(name=corrected, relation=relation_in(body))
    two = _TWO_PEOPLE.match(body)
    if two:
        first, second = _read_one(two.group("first")), _read_one(two.group("second"))
        # After a bare comma only a relative named by relation and name is a second person ("Parmin, bojoku
        # Tumini yo didaftarno"); "Siti Aminah, ibu saya" is one person.
        # ("nama saya Budi, untuk ibu saya namanya Sulastri": the writer, then the one person the ticket is for.)
        bare_first = as_name(two.group("first").strip()) is not None and not _NAME_MARK.search(two.group("first"))
        second_said = ((second.name and second.relation and bare_first)
                       if two.group("comma") else (second.name or second.relation))
        if first.name and second_said and not first.not_a_name:
            return PersonAnswer(name=first.name, relation=first.relation, holder=first.holder, self_=first.self_,
                                age=first.age, other_name=second.name, other_relation=second.relation)
    return _read_one(body)


def _read_one(body: str) -> PersonAnswer:
    relation = relation_in(body)
    age = age_in(body)
    self_ = relation is None and bool(_SELF.search(body))
    holder = holder_name_in(body) if relation else None
    name = stated_person_name(body, relative=relation is not None)
    # "kula Slamet, badhe ndaftaraken bapak kula": Slamet is the writer; the father's name is still to ask.
    if name is None and holder is None:
        # No marker: the whole answer, or what is left once the relation and "for" words are out.
        rest = _NEGATED_RELATION.sub(" ", _NEGATED_SELF.sub(" ", body))
        rest = _SELF.sub(" ", rest)
        rest = re.sub(rf"(?<![\w']){_FOR}(?![\w'])", " ", rest, flags=re.IGNORECASE)
        rest = _RELATION.sub(" ", rest) if relation else rest
        rest = _AGE.sub(" ", rest)
        # "Siti Ramadhani. Dereng mlebet KK": a sentence after the name is not part of it (an initial's
        # dot, "M. Yusuf", is).
        parts = [p.strip() for p in _clauses(rest, r"[,;:\n]") if p.strip()]
        for part in parts or [""]:
            name = clean_name(part.split())
            if name:
                break
    typed_something = bool(re.search(r"\w", body))
    not_a_name = name is None and typed_something and relation is None and not self_ and age is None
    return PersonAnswer(name=name, relation=relation, holder=holder, self_=self_, age=age, not_a_name=not_a_name)


def rename_in(text: str) -> PersonAnswer | None:
    """ "ubah nama Raka", "ubah nama, jenenge Raka tok", "ganti jeneng dadi Siti": the new name in one
    step. None when the message is not a change of name; a PersonAnswer without a name when it is one
    with no usable name in it (the name is then asked)."""
    m = _RENAME.match(text or "")
    if not m:
        corrected = corrected_name_in(text)
        return PersonAnswer(name=corrected) if corrected else None
    rest = m.group("rest").strip()
    if not rest:
        return PersonAnswer()
    answer = read_person(rest)
    if answer.name is None:
        name = clean_name(rest.replace(",", " ").split())
        return PersonAnswer(name=name, relation=answer.relation)
    return answer


# "daftarin KTP buat aku sama KIA anakku", "aku karo bojoku arep gawe ktp", "kula kaliyan garwa kula": two people (or two
# requests) joined in one message. Split at the first joining word; each side is read on its own.
_JOIN = re.compile(r"\s+(?:sama|sm|karo|kro|kaliyan|kalian|sareng|lan|dan|dn|ban|ambi|serta|plus)\s+|\s*[&+]\s*", re.IGNORECASE)
_ME = re.compile(rf"(?<![\w']){_POSSESSIVE}(?![\w'])", re.IGNORECASE)


def two_requests(text: str) -> tuple[str, str] | None:
    """The two sides of a message that joins two people or two requests ("… buat aku sama KIA anakku"), when the
    second side names a relation of its own; None otherwise ("KTP dan KK saya" is one person)."""
    parts = _JOIN.split(text or "", maxsplit=1)
    if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
        return None
    first, second = parts
    if relation_in(second) is None:
        return None
    return first, second


def says_self(text: str) -> bool:
    """The words name the writer and no relative ("daftarin KTP buat aku", "aku", "kula piyambak")."""
    return relation_in(text) is None and bool(_ME.search(text or "") or _SELF.search(text or ""))
