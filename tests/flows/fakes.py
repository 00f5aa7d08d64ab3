"""A facts object in memory (flows.engine.Facts) and a Turn builder: flow and policy tests run
without HTTP or a database. The recogniser is the real one (pure, built from the reference files)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cache
from typing import Any, Mapping, Sequence

from flows.engine import ResidentView, Turn
from storage import reference

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=timezone.utc)


def _visit(id_: int, kecamatan: str, tanggal_text: str, status: str = "planned") -> dict[str, Any]:
    return {"id": id_, "kecamatan": kecamatan, "tanggal": None, "tanggal_text": tanggal_text,
            "jam_text": "08.00–13.00 WIB", "lokasi": f"Kantor Kecamatan {kecamatan}", "status": status,
            "opd": ["Dispendukcapil"], "is_today": False, "moved_to_text": None}


@dataclass
class FakeFacts:
    visits: list[dict[str, Any]] = field(default_factory=lambda: [
        _visit(1, "Gempol", "Kamis, 10 Desember 2026"), _visit(2, "Purwosari", "Kamis, 24 Desember 2026"),
        _visit(3, "Bangil", "Kamis, 17 Desember 2026")])
    similar: list[dict[str, Any]] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)

    def next_visits(self, kecamatan: str | None = None, limit: int = 3) -> Sequence[Mapping[str, Any]]:
        return [v for v in self.visits if kecamatan in (None, v["kecamatan"])][:limit]

    def next_visit_to(self, kecamatan: str) -> Mapping[str, Any]:
        found = self.next_visits(kecamatan, 1)
        return {"visit": found[0] if found else None, "changes": []}

    def visit(self, visit_id: int) -> Mapping[str, Any] | None:
        return next((v for v in self.visits if v["id"] == visit_id), None)

    def layanan(self, key: str) -> Mapping[str, Any] | None:
        return next((s for s in self.layanan_list() if s["key"] == key), None)

    def layanan_list(self) -> Sequence[Mapping[str, Any]]:
        opd = {o.key: o for o in reference.opd()}
        return [{"key": s.key, "nama_pendek": s.nama_pendek, "opd_key": s.opd_key,
                 "opd_singkatan": opd[s.opd_key].singkatan, "selesai_di_tempat": s.selesai_di_tempat,
                 "persyaratan": [{"text": r.text, "confirmed": r.confirmed} for r in s.persyaratan]}
                for s in reference.layanan()]

    def petugas_contact(self, opd_key: str) -> Mapping[str, Any] | None:
        return None

    def ticket_for_resident(self, kode: str) -> Mapping[str, Any] | None:
        return next((i for i in self.items if i["kode"] == kode.upper()), None)

    def open_items_of_resident(self) -> Sequence[Mapping[str, Any]]:
        return self.items

    def similar_proposals(self, desa: str, kecamatan: str, text: str) -> Sequence[Mapping[str, Any]]:
        return self.similar

    def nearest_kecamatan(self, lat: float, lng: float) -> str | None:
        return "Gempol"

    def desa_by_kode(self, kode: str) -> Mapping[str, Any] | None:
        return {"nama": "Wonosunyo", "kecamatan": "Gempol"} if kode == "35.14.12.2001" else None

    def antrean_today(self) -> Mapping[str, Any]:
        return {"visits": []}


@cache
def recogniser():
    from bot.nlu import build_recogniser

    return build_recogniser()


RESIDENT = ResidentView(name=None, profile_name="Sumarti", kecamatan=None, desa=None, subscribed_kecamatan=None,
                        opted_out=False, channel="whatsapp")


def turn(text: str, slots: Mapping[str, Any] | None = None, facts: FakeFacts | None = None, *,
         intent: str | None = None, confidence: float | None = None, **extra) -> Turn:
    """A Turn as the handler builds it; intent/confidence from the real recogniser unless given."""
    nlu = recogniser()
    understood = nlu.understand(text) if text else None
    return Turn(text=text, intent=intent or (understood.intent if understood else "diluar_topik"),
                entities=dict(understood.entities) if understood else {},
                confidence=confidence if confidence is not None else (understood.confidence if understood else 0.0),
                slots=dict(slots or {}), resident=RESIDENT, facts=facts or FakeFacts(), nlu=nlu, now=NOW, **extra)
