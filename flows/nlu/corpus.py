"""The labelled examples (data/corpus/*.jsonl) and the family split used to evaluate on them.

Every line is one resident's message with its intent and a `family`: the id shared by paraphrases of
one underlying message (format and label policy: data/README.md). The split keeps a whole family on one
side, chosen by a hash of its id, so that a paraphrase of a test message is never trained on: the test
figure then measures words and phrasings the model has not seen, not its memory.

The running bot trains on every family; the bench trains on the train side and scores the test side.
data/untuned.jsonl (first round) and data/untuned2.jsonl (second round, issue #27) are separate sets,
each written before that round's tuning and never trained or tuned on (bench only).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from flows.nlu.resources import DATA_DIR

CORPUS_DIR = DATA_DIR / "corpus"
UNTUNED_FILE = DATA_DIR / "untuned.jsonl"
UNTUNED_FILES = (UNTUNED_FILE, DATA_DIR / "untuned2.jsonl")  # one per round, oldest first
REGISTERS = ("id", "id_formal", "jv_ngoko", "jv_krama", "mad", "mix_en", "legacy")
TEST_SHARE = 5  # one family in five goes to the test side


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def corpus_files() -> list[Path]:
    return sorted(CORPUS_DIR.glob("*.jsonl"))


def read_corpus() -> list[dict]:
    """Every labelled example, in a stable order (file name, then line)."""
    return [row for path in corpus_files() for row in read_jsonl(path)]


def text_key(text: str) -> str:
    """Case, punctuation and spacing do not make another message ("Stop!!" = "stop")."""
    return re.sub(r"\W+", " ", text.casefold()).strip() or text.strip()


def is_test_family(family: str) -> bool:
    digest = hashlib.sha256(family.encode("utf-8")).digest()
    return digest[0] % TEST_SHARE == 0


def split(examples: list[dict]) -> tuple[list[dict], list[dict]]:
    """(train, test): whole families on one side. Families that share a message ("stop" written by two
    writers) are one group, placed by the hash of its first family id, so no text is on both sides."""
    parent: dict[str, str] = {}

    def root(family: str) -> str:
        while parent.setdefault(family, family) != family:
            family = parent[family]
        return family

    first_family: dict[str, str] = {}
    for e in examples:
        other = first_family.setdefault(text_key(e["text"]), e["family"])
        a, b = root(e["family"]), root(other)
        if a != b:
            parent[max(a, b)] = min(a, b)
    on_test = {e["family"]: is_test_family(root(e["family"])) for e in examples}
    train = [e for e in examples if not on_test[e["family"]]]
    test = [e for e in examples if on_test[e["family"]]]
    return train, test


def read_untuned(path: Path = UNTUNED_FILE) -> list[dict]:
    return read_jsonl(path)


def data_fingerprint(extra_files: list[Path] = ()) -> str:
    """A hash of every data file the recogniser is built from (and `extra_files`): a cached model
    is valid only for the exact data it was built on."""
    digest = hashlib.sha256()
    paths = sorted(p for p in DATA_DIR.rglob("*") if p.is_file() and p not in UNTUNED_FILES) + list(extra_files)
    for path in paths:
        digest.update(str(path.name).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
