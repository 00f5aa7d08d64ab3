"""Readers for the data files in flows/nlu/data (sources and licences in data/SOURCE.md)."""

from __future__ import annotations

import csv
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def read_tsv(name: str, columns: int) -> list[tuple[str, ...]]:
    """Rows of a tab-separated file, skipping blank lines and `#` comments."""
    rows = []
    with (DATA_DIR / name).open(encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("\t")
            rows.append(tuple(parts[:columns]) + ("",) * (columns - len(parts)))
    return rows


def read_mapping(name: str) -> dict[str, str]:
    """First column -> second column; the first occurrence of a key wins."""
    mapping: dict[str, str] = {}
    for key, value in read_tsv(name, 2):
        mapping.setdefault(key.strip().lower(), value.strip().lower())
    return mapping


def read_indocollex() -> dict[str, str]:
    mapping: dict[str, str] = {}
    with (DATA_DIR / "indocollex.tsv").open(encoding="utf-8") as f:
        next(f)  # header: informal, formal
        for line in f:
            informal, _, formal = line.rstrip("\n").partition("\t")
            if informal and formal:
                mapping.setdefault(informal.lower(), formal.lower())
    return mapping


def read_nusax_words() -> set[str]:
    """Javanese and Madurese words of the NusaX lexicons (used only as known vocabulary)."""
    words: set[str] = set()
    for name in ("nusax_lexicon_javanese.csv", "nusax_lexicon_madurese.csv"):
        with (DATA_DIR / name).open(encoding="utf-8", newline="") as f:
            for row in csv.reader(f):
                if len(row) == 3 and row[0]:
                    for cell in row[1:]:
                        words.update(cell.lower().split())
    return words
