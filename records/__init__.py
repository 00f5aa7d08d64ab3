"""Plain records shared by every room: immutable dataclasses that import nothing of the project.

storage/reference reads them from its CSV files and handlers build them from rows; flows name
them in the `Facts` views (flows/facts.py). One definition here, so a field added to a dinas,
a requirement or a desa is added once (DESIGN.md §1: the room below all others).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

RequirementKind = Literal["dokumen", "tindakan", "syarat"]  # storage.reference.REQUIREMENT_MARKS


@dataclass(frozen=True)
class OpdRef:
    """A dinas: its key (storage/reference/opd.csv) and how residents read it."""

    key: str
    singkatan: str
    nama: str


@dataclass(frozen=True)
class Requirement:
    text: str
    confirmed: bool  # False: "biasanya … (tanyakan petugas)"
    # "dokumen": brought (original, plus a copy); "tindakan": done there ("datang sendiri untuk foto");
    # "syarat": a condition of the person, never brought ("sehat, sudah makan", "anggota kelompok tani").
    kind: RequirementKind = "dokumen"


@dataclass(frozen=True)
class DesaRef:
    """A desa or kelurahan of the regency (storage/reference/pasuruan_wilayah.csv)."""

    kode: str
    nama: str
    kecamatan: str
    jenis: str  # "desa" or "kelurahan"
    lat: float
    lng: float


@dataclass(frozen=True)
class OutsidePlace:
    """A kecamatan of a neighbouring regency or of Kota Pasuruan, outside Kabupaten Pasuruan
    (storage/reference/luar_kabupaten.csv): where an outsider lives, to find the visit nearest to them."""

    kode: str
    nama: str
    wilayah: str  # "Kota Pasuruan", "Kabupaten Sidoarjo" … (as flows.places.OUTSIDE names it)
    lat: float
    lng: float
