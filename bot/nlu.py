"""Bridge between the reference data (storage.reference) and the recogniser (flows.nlu).

flows/ must not read storage, so the app builds the recogniser here, once, at start-up.
"""

from __future__ import annotations

from flows.nlu import Recogniser
from storage import reference


def build_recogniser() -> Recogniser:
    return Recogniser.from_reference(
        kecamatan=reference.kecamatan(),
        desa=reference.desa(),
        layanan=reference.layanan(),
        opd=reference.opd(),
    )
