"""What the recogniser returns: small immutable records the flows can keep in their state."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

INTENTS = (
    "jadwal",
    "daftar_layanan",
    "usulan",
    "cek_status",
    "petugas",
    "berhenti",
    "langganan",
    "sapaan",
    "bantuan",
    "diluar_topik",
    "antrean",
)
OUT_OF_SCOPE = "diluar_topik"
# Below this the flow should ask back ("Maksudnya ...?") instead of acting on the intent.
LOW_CONFIDENCE = 0.5


@dataclass(frozen=True)
class Understanding:
    intent: str
    entities: dict[str, Any] = field(default_factory=dict)  # absent entities are omitted
    confidence: float = 0.0  # 0..1

    @property
    def unsure(self) -> bool:
        return self.confidence < LOW_CONFIDENCE

    def as_dict(self) -> dict[str, Any]:
        entities = {k: (list(v) if isinstance(v, (list, tuple)) else v) for k, v in self.entities.items()}
        return {"intent": self.intent, "entities": entities, "confidence": round(self.confidence, 3)}


@dataclass(frozen=True)
class KecamatanMatch:
    name: str  # canonical name from the wilayah data
    score: float  # 0..100
    certain: bool  # False: confirm first ("Maksudnya Kecamatan X? 1. Ya 2. Bukan")


@dataclass(frozen=True)
class DesaMatch:
    name: str
    kecamatan: str
    score: float  # 0..100
