"""The recogniser: message -> intent, entities and confidence.

normalise (normalise.py) -> names and codes (places.py, phrases.py) -> naive Bayes over words,
word pairs and entity markers (classifier.py) -> policy rules for one-word commands and an
out-of-scope gate: an in-scope intent needs some in-domain evidence (a place, a code, a service,
a proposal category, or a word that in the training data occurs almost only in in-scope messages).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from flows.nlu.classifier import NaiveBayes
from flows.nlu.normalise import Normaliser, tokenise
from flows.nlu.phrases import ENTITY_TYPES, PhraseMatcher, find_kode
from flows.nlu.places import PlaceFinding, PlaceIndex
from flows.nlu.resources import read_examples, read_tsv
from flows.nlu.results import OUT_OF_SCOPE, DesaMatch, KecamatanMatch, Understanding

KEC_TOKEN = "__kec__"
DESA_TOKEN = "__desa__"
RULE_CONFIDENCE = 0.97

# Short messages that are commands in the bot's own replies ("balas DAFTAR", "balas BERHENTI") or
# fixed formulas. Keys are canonical words (normalise.Normaliser.canonical) joined by spaces,
# after address words are removed.
COMMANDS = {
    **dict.fromkeys(["stop", "henti", "berhenti", "unsubscribe", "unreg", "unsub", "stop stop stop"], "berhenti"),
    **dict.fromkeys(["mulai", "start", "subscribe", "langgan", "ingat", "ingatkan", "pengingat", "ingat saya"], "langganan"),
    **dict.fromkeys(["menu", "bantu", "bantuan", "help", "tolong", "bingung", "tolong bantu", "bantu saya",
                     "tolong bantu saya", "menu utama"], "bantuan"),
    **dict.fromkeys(["status", "cek status"], "cek_status"),
    "daftar": "daftar_layanan",
    "jadwal": "jadwal",
    **dict.fromkeys(["usul", "usulan"], "usulan"),
    "petugas": "petugas",
    **dict.fromkeys(["p", "halo", "assalamualaikum", "waalaikumsalam", "permisi", "salam", "terima kasih",
                     "selamat pagi", "selamat siang", "selamat sore", "selamat malam", "pagi", "siang", "sore",
                     "halo selamat pagi", "terima kasih banyak"], "sapaan"),
}
# Words that only address the reader ("min", "pak"): ignored when looking for a one-word command.
ADDRESS_WORDS = frozenset({"min", "pak", "bapak", "bu", "ibu", "mas", "mbak", "kak", "lur", "cak", "rek", "ya", "dong", "tah", "lho"})
# The programme's name is ignored too when looking for a command ("halo kenduren mas").
PROGRAMME = "kenduren_mas"
PROGRAMME_WORDS = frozenset({PROGRAMME, "kenduren", "mas"})
# An intent that needs a word of its own: "berhenti kerja" is not about messages, "pengingat" alone
# is not a wish to stop, "pak" alone is not a wish for a human.
REQUIRED_WORDS = {
    "berhenti": frozenset("stop berhenti henti jangan tidak usah hapus keluar batal unsubscribe unreg unsub cukup "
                          "mati matikan nonaktif nonaktifkan bosan ganggu spam".split()),
    "petugas": frozenset("petugas orang manusia admin operator cs human pegawai staf bot mesin robot telpon "
                         "telepon hubung hubungi kontak sambung".split()),
}
REQUIRED_WORDS["jadwal"] = frozenset(
    f"{PROGRAMME} kenduren mobil keliling jadwal lokasi giliran tempat datang mampir singgah acara layanan "
    "pelayanan pemkab buka".split()
)
STOP_OBJECTS = frozenset("pesan kirim ingat pengingat notifikasi info kabar langgan sms spam ganggu broadcast".split())
FUNCTION_WORDS = frozenset(
    "saya anda kamu kami kita dia mereka di ke dari yang ini itu apa mau bisa ada tidak ya dan dengan untuk "
    "sudah belum akan sebuah apakah pada dalam atau juga lagi saja karena kalau sekali berapa siapa mana "
    "kapan bagaimana buat sama tah kok dong deh sih nya para".split()
)
# Out-of-scope gate: the most a message may hold of words never seen in in-scope examples.
# "minggu depan di mana?", "sesok neng ngendi": on the caravan's own number a bare where/when
# question about a day can only mean the caravan.
WHERE_WHEN_WORDS = frozenset({"mana", "kapan", "lokasi", "tempat"})
DAY_WORDS = frozenset({"hari", "ini", "besok", "lusa", "minggu", "depan", "sekarang", "nanti", "ada"})
WHERE_WHEN_CONFIDENCE = 0.75
MAX_UNKNOWN_WITH_STRONG_CUE = 0.4
MAX_UNKNOWN_WITH_ENTITY = 0.6
MAX_UNKNOWN_WITH_WEAK_CUE = 0.3
_GREETING_EMOJI = re.compile("[\U0001F44B\U0001F64F\U0001F44D\U0001F60A\U0001F642\u263A]")


@dataclass
class Analysis:
    """Everything read from one message, before the intent is decided."""

    kode: str | None
    places: PlaceFinding
    words: list[str]  # formal words, places replaced by markers
    canonical: list[str]
    entities: dict[str, str] = field(default_factory=dict)
    features: list[str] = field(default_factory=list)


class Recogniser:
    def __init__(
        self,
        kecamatan: Iterable[str],
        desa: Iterable[tuple[str, str]],
        layanan: Iterable[str],
        opd: Iterable[str],
        examples: list[dict] | None = None,
    ) -> None:
        self.layanan_keys = set(layanan)
        self.opd_keys = set(opd)
        entity_words = {w for _, _, phrase in read_tsv("entitas.tsv", 3) for w in tokenise(phrase)}
        cue_words = {w for _, phrase in read_tsv("isyarat.tsv", 2) for w in tokenise(phrase)}
        self.normaliser = Normaliser(extra_known=entity_words | cue_words, protected=entity_words)
        self.places = PlaceIndex(list(kecamatan), list(desa), common_words=self.normaliser.known)
        self.phrases = PhraseMatcher(
            lambda phrase: self.normaliser.formal(tokenise(phrase)),
            allowed={"layanan": self.layanan_keys, "opd": self.opd_keys},
        )
        examples = examples if examples is not None else read_examples("train.jsonl")
        analyses = [self.analyse(e["text"]) for e in examples]
        labels = [e["intent"] for e in examples]
        self.model = NaiveBayes().fit([a.features for a in analyses], labels)
        self.known_words = _in_scope_words(analyses, labels) | FUNCTION_WORDS
        cues = self._load_cues()
        self.strong_cues, self.weak_cues, self.outside_cues = cues["strong"], cues["weak"], cues["outside"]
        self.known_words |= {w for cue in self.strong_cues | self.weak_cues for w in cue}
        self.known_words |= set(self.normaliser.canonical(sorted(entity_words)))

    @classmethod
    def from_reference(cls, kecamatan, desa, layanan, opd, examples: list[dict] | None = None) -> Recogniser:
        """Build from reference records (storage.reference's KecamatanRef, DesaRef, LayananRef, OpdRef
        or anything with the same attribute names; kecamatan may also be plain names)."""
        return cls(
            kecamatan=[getattr(k, "nama", k) for k in kecamatan],
            desa=[(d.nama, d.kecamatan) for d in desa],
            layanan=[getattr(s, "key", s) for s in layanan],
            opd=[getattr(o, "key", o) for o in opd],
            examples=examples,
        )

    # --- public API
    def understand(self, text: str) -> Understanding:
        analysis = self.analyse(text)
        entities = self._entities(analysis)
        if not analysis.canonical:
            intent, confidence = _no_words(text)
            return Understanding(intent, entities, confidence)
        ruled = self._command(analysis)
        if ruled:
            return Understanding(ruled, entities, RULE_CONFIDENCE)
        if all(w.isdigit() for w in analysis.canonical):
            return Understanding(OUT_OF_SCOPE, entities, 0.2)  # a menu number out of context
        probabilities = self.model.probabilities(analysis.features)
        for intent in sorted(probabilities, key=probabilities.get, reverse=True):
            if self._allowed(intent, analysis):
                break
        confidence = probabilities[intent]
        if intent == OUT_OF_SCOPE and _bare_where_when(analysis):
            return Understanding("jadwal", entities, WHERE_WHEN_CONFIDENCE)
        if intent != OUT_OF_SCOPE and (self._outside(analysis) or not self._in_domain(analysis)):
            # The classifier and the gate disagree: say so with a low confidence, so the flow asks back.
            intent, confidence = OUT_OF_SCOPE, 0.45 if confidence >= 0.6 else max(probabilities[OUT_OF_SCOPE], 0.6)
        return Understanding(intent, entities, round(confidence, 3))

    def match_kecamatan(self, text: str) -> KecamatanMatch | None:
        return self.places.match_kecamatan(tokenise(text))

    def match_desa(self, text: str, kecamatan: str | None = None) -> list[DesaMatch]:
        canonical = self.places.canonical_kecamatan(kecamatan) if kecamatan else None
        if kecamatan and canonical is None:
            return []
        return self.places.match_desa(tokenise(text), canonical)

    def match_layanan(self, text: str) -> str | None:
        return self.phrases.find(self.normaliser.formal(tokenise(text))).get("layanan")

    def match_kategori(self, text: str) -> str | None:
        return self.phrases.find(self.normaliser.formal(tokenise(text))).get("kategori")

    # --- internals
    def analyse(self, text: str) -> Analysis:
        kode, text = find_kode(text)
        tokens = tokenise(text)
        places = self.places.find(tokens)
        tokens = _replace_spans(tokens, places)
        words = self.normaliser.formal(tokens)
        canonical = _join_programme_name(self.normaliser.canonical(words))
        analysis = Analysis(kode, places, words, canonical)
        analysis.entities = self.phrases.find(words)
        analysis.features = _features(analysis)
        return analysis

    def _entities(self, analysis: Analysis) -> dict:
        entities: dict = {}
        if analysis.places.kecamatan:
            entities["kecamatan"] = analysis.places.kecamatan.name
        if analysis.places.desa:
            entities["desa"] = analysis.places.desa
            entities["desa_kecamatan"] = list(analysis.places.desa_kecamatan)
        for etype in ENTITY_TYPES:
            if etype in analysis.entities:
                entities[etype] = analysis.entities[etype]
        if analysis.kode:
            entities["kode"] = analysis.kode
        return entities

    def _command(self, analysis: Analysis) -> str | None:
        words = [w for w in analysis.canonical if w not in ADDRESS_WORDS]
        if not words:
            return "sapaan"  # "pak", "min": someone calling for attention
        if len(words) < len(analysis.canonical) or len(words) <= 3:
            words = [w for w in words if w not in PROGRAMME_WORDS] or words
        return COMMANDS.get(" ".join(words))

    def _allowed(self, intent: str, analysis: Analysis) -> bool:
        required = REQUIRED_WORDS.get(intent)
        if required is None:
            return True
        words = set(analysis.canonical)
        if intent == "jadwal" and (analysis.places.kecamatan or analysis.places.desa or "opd" in analysis.entities):
            return True
        if not words & required:
            return False
        content = [w for w in analysis.canonical if w not in FUNCTION_WORDS and w not in ADDRESS_WORDS]
        # "berhenti kerja", "stop merokok": stopping something that is not our messages
        return intent != "berhenti" or len(content) <= 2 or bool(words & STOP_OBJECTS)

    def _load_cues(self) -> dict[str, set[tuple[str, ...]]]:
        cues: dict[str, set[tuple[str, ...]]] = {"strong": set(), "weak": set(), "outside": set()}
        for strength, phrase in read_tsv("isyarat.tsv", 2):
            cues[strength].add(tuple(_join_programme_name(self.normaliser.normalise(phrase))))
        return cues

    def _outside(self, analysis: Analysis) -> bool:
        """Services the caravan does not offer (SIM, Samsat, PLN, police...) and other errands."""
        if analysis.kode:
            return False
        return any(_contains(analysis.canonical, cue) for cue in self.outside_cues)

    def _in_domain(self, analysis: Analysis) -> bool:
        """The out-of-scope gate (see module doc and data/isyarat.tsv)."""
        if analysis.kode:
            return True
        words = set(analysis.canonical)
        content = [w for w in analysis.canonical if w not in FUNCTION_WORDS and not w.isdigit() and not w.startswith("__")]
        if not content:
            return True  # only function words and names: "bisa apa aja?", "nang gempol?"
        unknown = sum(w not in self.known_words for w in content) / len(content)
        if PROGRAMME in words:
            return True  # "kenduren mas" names the programme: whatever else is said, it is ours
        if analysis.places.kecamatan or analysis.places.desa:
            return unknown <= MAX_UNKNOWN_WITH_ENTITY
        if any(_contains(analysis.canonical, cue) for cue in self.strong_cues):
            return unknown <= MAX_UNKNOWN_WITH_STRONG_CUE
        if any(e in analysis.entities for e in ("layanan", "opd", "kategori")):
            return unknown <= MAX_UNKNOWN_WITH_ENTITY
        if any(_contains(analysis.canonical, cue) for cue in self.weak_cues):
            return unknown <= MAX_UNKNOWN_WITH_WEAK_CUE
        return False


def _bare_where_when(analysis: Analysis) -> bool:
    words = set(analysis.canonical) - (FUNCTION_WORDS - WHERE_WHEN_WORDS) - ADDRESS_WORDS
    return "waktu" in analysis.entities and bool(words & WHERE_WHEN_WORDS) and words <= WHERE_WHEN_WORDS | DAY_WORDS


def _replace_spans(tokens: list[str], places: PlaceFinding) -> list[str]:
    """Names become one marker token, so the classifier learns "__kec__" rather than "gempol"."""
    spans = [(span, KEC_TOKEN) for span in [places.kecamatan_span] if span]
    spans += [(span, DESA_TOKEN) for span in [places.desa_span] if span]
    out, i = [], 0
    for (start, end), marker in sorted(spans):
        out.extend(tokens[i:start])
        out.append(marker)
        i = end
    out.extend(tokens[i:])
    return out


def _join_programme_name(words: list[str]) -> list[str]:
    """"kenduren mas" is the programme; "kenduren" alone is also a ritual meal, so they differ."""
    out: list[str] = []
    for word in words:
        if word == "mas" and out and out[-1] == "kenduren":
            out[-1] = PROGRAMME
        else:
            out.append(word)
    return out


def _features(analysis: Analysis) -> list[str]:
    words = analysis.canonical
    features = list(words)
    padded = ["^", *words, "$"]
    features += [f"{a}|{b}" for a, b in zip(padded, padded[1:])]
    features += [f"@{etype}" for etype in analysis.entities]
    features += [f"@layanan:{analysis.entities['layanan']}"] if "layanan" in analysis.entities else []
    if len(words) == 1:
        features.append(f"only:{words[0]}")
    features.append("#len:" + ("1" if len(words) == 1 else "2-3" if len(words) <= 3 else "4-7" if len(words) <= 7 else "8+"))
    return features


def _contains(words: list[str], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    if n == 1:
        return phrase[0] in words
    return any(tuple(words[i : i + n]) == phrase for i in range(len(words) - n + 1))


def _in_scope_words(analyses: list[Analysis], labels: list[str]) -> set[str]:
    return {w for a, label in zip(analyses, labels) if label != OUT_OF_SCOPE for w in a.canonical}


def _no_words(text: str) -> tuple[str, float]:
    """Messages with no letters or digits: emoji and punctuation only."""
    if _GREETING_EMOJI.search(text):
        return "sapaan", 0.8
    if "?" in text:
        return "bantuan", 0.6
    return OUT_OF_SCOPE, 0.3


def training_vocabulary() -> set[str]:
    """Formal words of the labelled examples and lexicons: what data/stems.tsv must cover."""
    normaliser = Normaliser()
    words: set[str] = set()
    texts = [e["text"] for name in ("train.jsonl", "test.jsonl") for e in read_examples(name)]
    texts += [phrase for _, _, phrase in read_tsv("entitas.tsv", 3)]
    for text in texts:
        for word in normaliser.formal(tokenise(text)):
            words.add(word)
            words.add(normaliser.synonyms.get(word, word))
    words |= set(normaliser.own.values()) | set(normaliser.synonyms.values())
    return {w for part in words for w in part.split()}
