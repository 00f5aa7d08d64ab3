"""Reference data shipped with the project: wilayah of Kabupaten Pasuruan, OPD and services.

Plain readers over the CSV files beside this module (sources and licences in README.md here).
They return immutable records, so the same data serves the database loader and the recogniser.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from records import DesaRef, OpdRef, OutsidePlace, Requirement

DATA_DIR = Path(__file__).resolve().parent

# A persyaratan item starting with this marker was not confirmed for Pasuruan (layanan.md):
# residents are told "biasanya … tanyakan petugas" for it.
UNCONFIRMED_MARK = "~"
# Each item is a document to bring unless marked (after "~"): "!" an action done there, "=" a
# condition of the person (eligibility), which is never something to bring or photocopy.
REQUIREMENT_MARKS = {"!": "tindakan", "=": "syarat"}


@dataclass(frozen=True)
class KecamatanRef:
    kode: str
    nama: str
    lat: float
    lng: float


@dataclass(frozen=True)
class LayananRef:
    key: str
    opd_key: str
    nama_pendek: str
    nama: str
    persyaratan: tuple[Requirement, ...]
    selesai_di_tempat: str  # "ya", "sebagian" or "tidak"
    sumber: str


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@cache
def kecamatan() -> tuple[KecamatanRef, ...]:
    return tuple(
        KecamatanRef(r["kode"], r["kecamatan"], float(r["lat"]), float(r["lng"]))
        for r in _rows("pasuruan_kecamatan.csv")
    )


@cache
def desa() -> tuple[DesaRef, ...]:
    return tuple(
        DesaRef(r["kode"], r["desa"], r["kecamatan"], r["jenis"], float(r["lat"]), float(r["lng"]))
        for r in _rows("pasuruan_wilayah.csv")
    )


@cache
def luar_kabupaten() -> tuple[OutsidePlace, ...]:
    """Kecamatan outside the regency that residents name (luar_kabupaten.csv; sources in README.md)."""
    return tuple(OutsidePlace(r["kode"], r["nama"], r["wilayah"], float(r["lat"]), float(r["lng"]))
                 for r in _rows("luar_kabupaten.csv"))


@cache
def opd() -> tuple[OpdRef, ...]:
    return tuple(OpdRef(r["key"], r["singkatan"], r["nama"]) for r in _rows("opd.csv"))


def _requirement(item: str) -> Requirement:
    item = item.strip()
    confirmed = not item.startswith(UNCONFIRMED_MARK)
    item = item.removeprefix(UNCONFIRMED_MARK).strip()
    kind = REQUIREMENT_MARKS.get(item[:1], "dokumen")
    if item[:1] in REQUIREMENT_MARKS:
        item = item[1:].strip()
    return Requirement(item, confirmed=confirmed, kind=kind)


@cache
def layanan() -> tuple[LayananRef, ...]:
    return tuple(
        LayananRef(
            key=r["key"],
            opd_key=r["opd_key"],
            nama_pendek=r["nama_pendek"],
            nama=r["nama_layanan"],
            persyaratan=tuple(_requirement(i) for i in r["persyaratan"].split(";") if i.strip()),
            selesai_di_tempat=r["selesai_di_tempat"],
            sumber=r["sumber"],
        )
        for r in _rows("layanan.csv")
    )


@dataclass(frozen=True)
class BekalRef:
    """What a dinas brings to a visit per registration of a service (blanks, cards, kits)."""

    layanan_key: str
    item: str
    per_registration: int


@cache
def bekal() -> tuple[BekalRef, ...]:
    return tuple(BekalRef(r["layanan_key"], r["item"], int(r["per_pendaftar"])) for r in _rows("bekal.csv"))


@dataclass(frozen=True)
class SourcedAnswerRef:
    """One sourced answer to a question around a service (tanya_jawab.csv; README.md here)."""

    kunci: str
    topik: str
    layanan: str  # a layanan key, or "umum"
    pertanyaan: str
    jawaban: str
    sumber: str
    confirmed: bool


@cache
def tanya_jawab() -> tuple[SourcedAnswerRef, ...]:
    return tuple(SourcedAnswerRef(r["kunci"], r["topik"], r["layanan"], r["pertanyaan"], r["jawaban_id"], r["sumber"],
                                  r["status"] == "confirmed")
                 for r in _rows("tanya_jawab.csv"))


@cache
def tanya_jawab_contoh() -> tuple[tuple[str, str], ...]:
    """How residents ask each question (key, example): tanya_jawab_contoh.csv, then each answer's own
    `pertanyaan` (README.md here)."""
    return (tuple((r["kunci"], r["contoh"]) for r in _rows("tanya_jawab_contoh.csv"))
            + tuple((a.kunci, a.pertanyaan) for a in tanya_jawab()))


@dataclass(frozen=True)
class PerangkatDaerahRef:
    """A regency agency that answers for development proposals (Musrenbang), and the proposal
    categories it takes by default."""

    key: str
    singkatan: str
    nama: str
    kategori: tuple[str, ...]


@cache
def perangkat_daerah() -> tuple[PerangkatDaerahRef, ...]:
    return tuple(PerangkatDaerahRef(r["key"], r["singkatan"], r["nama"],
                                    tuple(k.strip() for k in r["kategori"].split(";") if k.strip()))
                 for r in _rows("perangkat_daerah.csv"))


def perangkat_daerah_for(kategori: str) -> PerangkatDaerahRef | None:
    """The agency a proposal of this category goes to unless an admin chose another."""
    return next((p for p in perangkat_daerah() if kategori in p.kategori), None)
