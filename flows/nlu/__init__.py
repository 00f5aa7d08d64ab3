"""Language understanding for the Kenduren Mas bot (pure Python: no I/O beyond its own data files).

    recogniser = Recogniser.from_reference(kecamatan=..., desa=..., layanan=..., opd=...)
    recogniser.understand("kpn kenduren mas nang gempl?").as_dict()
    # {"intent": "jadwal", "entities": {"kecamatan": "Gempol"}, "confidence": ...}
"""

from flows.nlu.recogniser import Recogniser
from flows.nlu.results import (
    INTENTS,
    LOW_CONFIDENCE,
    OUT_OF_SCOPE,
    DesaMatch,
    KecamatanMatch,
    Understanding,
)

__all__ = [
    "INTENTS",
    "LOW_CONFIDENCE",
    "OUT_OF_SCOPE",
    "DesaMatch",
    "KecamatanMatch",
    "Recogniser",
    "Understanding",
]
