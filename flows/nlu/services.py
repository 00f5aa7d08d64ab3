"""Which identity-document service a message means, beyond the phrase that names the card.

- A lost or damaged KTP-el, KK or KIA is its own service (`ktp_ganti`, `kk_ganti`, `kia_ganti`): it
  needs a police letter of loss or the damaged card instead of a first recording's documents
  (storage/reference/layanan.md).
- Age decides KTP-el against KIA: the KTP-el is for residents of 17 and over, the KIA for children
  under 17, so "ktp anakku wis 17th" is a KTP-el and "ktp anak umur 10 tahun" a KIA.

Words are the normaliser's formal words (normalise.Normaliser.formal), so "ilang", "ical" (krama) and
"elang" (Madurese) arrive as "hilang" or are listed here.
"""

from __future__ import annotations

from collections.abc import Sequence

REPLACEMENT = {"ktp": "ktp_ganti", "kk": "kk_ganti", "kia": "kia_ganti"}
# Lost or damaged, as formal words (single words, or the first word of a pair in LOSS_PAIRS).
LOSS_WORDS = frozenset(
    "hilang ical icalan elang ilang kelangan kehilangan raib lenyap dicuri kecopetan copet "
    "rusak patah sobek robek suwek luntur pecah retak hancur remuk terbakar kebakar kobong "
    "kecemplung tercebur basah lecek terlipat tugel bengkok".split()
)
LOSS_PAIRS = frozenset({("cetak", "ulang"), ("print", "ulang"), ("tidak", "ketemu")})
ADULT_AGE = 17
AGE_UNITS = frozenset({"tahun", "th", "thn", "taun", "tahon", "thun", "warsa", "yo"})
AGE_LEADS = frozenset({"umur", "usia", "yuswa", "umure", "umurnya", "usianya", "sudah", "wis", "udah", "sampun"})


def refine(key: str | None, words: Sequence[str]) -> str | None:
    """The service `key` (from the phrase table) made precise by the rest of the message."""
    if key in ("ktp", "kia"):
        age = stated_age(words)
        if age is not None:
            key = "ktp" if age >= ADULT_AGE else "kia"
    if key in REPLACEMENT and is_lost_or_damaged(words):
        return REPLACEMENT[key]
    return key


def is_lost_or_damaged(words: Sequence[str]) -> bool:
    return any(w in LOSS_WORDS for w in words) or any(pair in LOSS_PAIRS for pair in zip(words, words[1:]))


def stated_age(words: Sequence[str]) -> int | None:
    """An age in years: "17 tahun", "umur 10", "sudah 17"."""
    for i, word in enumerate(words):
        if not word.isdigit() or len(word) > 2:
            continue
        after = words[i + 1] if i + 1 < len(words) else ""
        before = words[i - 1] if i else ""
        if after in AGE_UNITS or before in AGE_LEADS:
            return int(word)
    return None
