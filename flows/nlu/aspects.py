"""What a question asks about a visit: which dinas come, its hours, its place (entity `aspek`).

An entity, not an intent: the model decides whether the message is a schedule question; this only
says which part of the visit the resident wants, so the schedule flow can answer that part (the
whole OPD list, "Ya, Dispendukcapil hadir …") instead of the card alone. Cues are read on the
normaliser's formal words ("sing teko dinas opo ae" → "yang datang dinas apa saja"), so one cue
covers ngoko, krama, Madurese and Indonesian spellings.
"""

from __future__ import annotations

OPD = "opd"
JAM = "jam"
LOKASI = "lokasi"

# Which dinas: a word for an agency together with a question word, anywhere in the message
# ("dinas apa saja yang ikut", "sing teko dinas opo ae", "opd sing melu sopo ae"). A named OPD
# ("apa ada dispenduk?", "wonten dinas kesehatan mboten?") asks about that one (see `find`).
AGENCY_WORDS = frozenset({"dinas", "opd", "instansi", "dinasnya", "opdnya"})
WHICH_WORDS = frozenset({"apa", "siapa", "mana", "daftar"})
# Or who comes, without naming an agency: "sinten mawon ingkang rawuh?", "sopo ae sing teko?".
WHO_WORDS = frozenset({"siapa"})
ATTEND_WORDS = frozenset({"datang", "hadir", "ikut", "buka"})
# The hours: "jam berapa", "sampai jam …", "mulai jam …", opening or closing ("bukak e jam piro").
HOUR_PHRASES = (("jam", "berapa"), ("pukul", "berapa"), ("sampai", "jam"), ("mulai", "jam"), ("jam", "buka"),
                ("jam", "pelayanan"), ("jam", "layanan"), ("jam", "operasional"))
HOUR_WORDS = frozenset({"buka", "tutup", "selesai", "bubar"})
# The place: a word for the venue ("lokasine nang ndi?", "tempate ndek endi", "alamate").
PLACE_WORDS = frozenset({"lokasi", "tempat", "alamat", "gedung", "lokasinya", "tempatnya", "alamatnya"})


def find(words: list[str], named_opd: bool) -> str | None:
    """The aspect asked about, or None for a plain schedule question. Which dinas wins over the
    hours and the place: "jam berapa dan dinas apa saja" is answered by the list, which has both."""
    present = set(words)
    if named_opd or (present & AGENCY_WORDS and present & WHICH_WORDS) or (present & WHO_WORDS and present & ATTEND_WORDS):
        return OPD
    if present & HOUR_WORDS or _has_phrase(words, HOUR_PHRASES):
        return JAM
    if present & PLACE_WORDS:
        return LOKASI
    return None


def _has_phrase(words: list[str], phrases: tuple[tuple[str, ...], ...]) -> bool:
    pairs = set(zip(words, words[1:]))
    return any(phrase in pairs for phrase in phrases)
