"""The recogniser: message -> intent, entities and confidence.

normalise (normalise.py) -> names and codes (places.py, phrases.py) -> one linear model over character
and word n-grams of the raw and the normalised text (classifier.py), trained on every family of
data/corpus. Rules only where no model is needed: an empty or emoji-only message, a bare menu number,
and a message that is nothing but one of the bot's own command words ("STOP", "menu", "P"). No keyword
overrides what the model decides for a message with words of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from flows.nlu import aspects, services
from flows.nlu.classifier import IntentModel
from flows.nlu.corpus import read_corpus
from flows.nlu.normalise import Normaliser, tokenise
from flows.nlu.phrases import ENTITY_TYPES, PhraseMatcher, find_kode
from flows.nlu.places import PlaceFinding, PlaceIndex
from flows.nlu.resources import read_tsv
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
# Intents whose flow works per kecamatan (a visit, a reminder, a service registered for a visit): a desa
# named there stands for its kecamatan ("cek kesehatan, aku teko siyar" is for Rembang's visit).
PER_KECAMATAN_INTENTS = frozenset({"jadwal", "langganan", "daftar_layanan"})
# Entity `kecamatan_asal`, beside every `kecamatan`: whether the message names the kecamatan or it was
# inferred from the one kecamatan of a named desa (a flow may confirm an inferred one before acting).
KECAMATAN_NAMED, KECAMATAN_FROM_DESA = "disebut", "dari_desa"
_GREETING_EMOJI = re.compile("[\U0001F44B\U0001F64F\U0001F44D\U0001F60A\U0001F642\u263A]")


@dataclass
class Analysis:
    """Everything read from one message, before the intent is decided."""

    kode: str | None
    places: PlaceFinding
    tokens: list[str]  # lower-cased words as typed, places replaced by markers
    words: list[str]  # formal words, places replaced by markers
    canonical: list[str]
    entities: dict[str, str] = field(default_factory=dict)

    def views(self) -> tuple[str, str]:
        """What the model reads (classifier.RAW, classifier.NORMALISED)."""
        markers = [f"@{etype}" for etype in self.entities]
        return " ".join(self.tokens), " ".join([*self.canonical, *markers])


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
        self.normaliser = Normaliser(extra_known=entity_words, protected=entity_words)
        self.places = PlaceIndex(list(kecamatan), list(desa), common_words=self.normaliser.known)
        self.phrases = PhraseMatcher(
            lambda phrase: self.normaliser.formal(tokenise(phrase)),
            allowed={"layanan": self.layanan_keys, "opd": self.opd_keys},
        )
        examples = examples if examples is not None else read_corpus()
        self.model = IntentModel.train(
            [self.analyse(e["text"]).views() for e in examples],
            [e["intent"] for e in examples],
            groups=[e.get("family") or e["text"] for e in examples],
        )

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
        intent, confidence = self._intent(text, analysis)
        return Understanding(intent, self._entities(analysis, intent), round(confidence, 3))

    def match_kecamatan(self, text: str) -> KecamatanMatch | None:
        return self.places.match_kecamatan(tokenise(text))

    def desa_in(self, kecamatan: str) -> list[str]:
        canonical = self.places.canonical_kecamatan(kecamatan)
        return self.places.desa_in(canonical) if canonical else []

    def match_desa(self, text: str, kecamatan: str | None = None) -> list[DesaMatch]:
        canonical = self.places.canonical_kecamatan(kecamatan) if kecamatan else None
        if kecamatan and canonical is None:
            return []
        return self.places.match_desa(tokenise(text), canonical)

    def match_layanan(self, text: str) -> str | None:
        words = self.normaliser.formal(tokenise(text))
        return self._layanan(self.phrases.find(words).get("layanan"), words)

    def match_kategori(self, text: str) -> str | None:
        return self.phrases.find(self.normaliser.formal(tokenise(text))).get("kategori")

    def said_requests(self, text: str) -> frozenset[str]:
        """The intents a message names in the bot's own command words ("daftar", "ingetno", "status",
        "jadwal", "usul"), wherever they stand in it: a request said in its own words, beside whatever
        else the message asks ("mau daftar ktp, boleh diwakilkan?")."""
        found = set()
        for word in self.analyse(text).canonical:
            bare = word[2:] if word.startswith("di") and word[2:] in COMMANDS else word  # "diingatkan"
            if bare in COMMANDS:
                found.add(COMMANDS[bare])
        return frozenset(found)

    def normalised(self, text: str) -> str:
        """The message's words as the model reads them: Javanese, Madurese and chat spellings mapped to
        Indonesian and stemmed ("lek aku ora teko" → "kalau saya tidak datang"), places as markers."""
        return " ".join(self.analyse(text).canonical)

    # --- internals
    def analyse(self, text: str) -> Analysis:
        kode, text = find_kode(text)
        tokens = tokenise(text)
        places = self.places.find(tokens)
        tokens = _replace_spans(tokens, places)
        words = self.normaliser.formal(tokens)
        canonical = _join_programme_name(self.normaliser.canonical(words))
        analysis = Analysis(kode, places, tokens, words, canonical)
        analysis.entities = self.phrases.find(words)
        if "layanan" in analysis.entities:
            analysis.entities["layanan"] = self._layanan(analysis.entities["layanan"], words)
        return analysis

    def _layanan(self, key: str | None, words: list[str]) -> str | None:
        refined = services.refine(key, words)
        return refined if refined in self.layanan_keys else key

    def _intent(self, text: str, analysis: Analysis) -> tuple[str, float]:
        if not analysis.canonical:
            return _no_words(text)
        ruled = self._command(analysis)
        if ruled:
            return ruled, RULE_CONFIDENCE
        if all(w.isdigit() for w in analysis.canonical):
            return OUT_OF_SCOPE, 0.2  # a menu number out of context
        probabilities = self.model.probabilities(analysis.views())
        intent = max(probabilities, key=probabilities.get)
        return intent, probabilities[intent]

    def _entities(self, analysis: Analysis, intent: str) -> dict:
        entities: dict = {}
        places = analysis.places
        if places.kecamatan:
            entities["kecamatan"] = places.kecamatan.name
            entities["kecamatan_asal"] = KECAMATAN_NAMED
        if places.desa:
            entities["desa"] = places.desa
            entities["desa_kecamatan"] = list(places.desa_kecamatan)
            if intent in PER_KECAMATAN_INTENTS and not places.kecamatan and len(places.desa_kecamatan) == 1:
                # "kapan nang sidogiri?": the caravan visits a kecamatan, so a desa answers for its own.
                entities["kecamatan"] = places.desa_kecamatan[0]
                entities["kecamatan_asal"] = KECAMATAN_FROM_DESA
        for etype in ENTITY_TYPES:
            if etype in analysis.entities:
                entities[etype] = analysis.entities[etype]
        if analysis.kode:
            entities["kode"] = analysis.kode
        aspect = aspects.find(analysis.words, named_opd="opd" in entities)
        if aspect:
            entities["aspek"] = aspect  # which part of a visit is asked about (flows/jadwal.py answers it)
        return entities

    def _command(self, analysis: Analysis) -> str | None:
        words = [w for w in analysis.canonical if w not in ADDRESS_WORDS]
        if not words:
            return "sapaan"  # "pak", "min": someone calling for attention
        if len(words) < len(analysis.canonical) or len(words) <= 3:
            words = [w for w in words if w not in PROGRAMME_WORDS] or words
        return COMMANDS.get(" ".join(words))


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
    texts = [e["text"] for e in read_corpus()]
    texts += [phrase for _, _, phrase in read_tsv("entitas.tsv", 3)]
    for text in texts:
        for word in normaliser.formal(tokenise(text)):
            words.add(word)
            words.add(normaliser.synonyms.get(word, word))
    words |= set(normaliser.own.values()) | set(normaliser.synonyms.values())
    return {w for part in words for w in part.split()}
