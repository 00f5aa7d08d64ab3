"""/console/poster/<desa_id>.pdf and /console/poster/kecamatan/<kecamatan_id>.pdf: the printable
posters (bot/poster.py). A kepala desa gets their own desa's, a camat those of their kecamatan, an
admin or petugas any (a poster holds nothing personal)."""

from __future__ import annotations

from flask import Response, abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.console.access import ADMIN, CAMAT, KADES, PETUGAS, allow, runtime, today, viewer
from bot.console.blueprint import bp
from bot.poster import desa_of_kecamatan, poster_facts, poster_pdf
from storage.models import Desa, Kecamatan


def _pdf(body: bytes, name: str) -> Response:
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}.pdf"'})


@bp.get("/poster/<int:desa_id>.pdf")
@allow(ADMIN, PETUGAS, KADES, CAMAT)
def poster(desa_id: int):
    who = viewer()
    with runtime().sessions() as s:
        desa = s.scalar(select(Desa).where(Desa.id == desa_id).options(selectinload(Desa.kecamatan)))
        if desa is None or (who.role == KADES and desa.id != who.desa_id) \
                or (who.role == CAMAT and desa.kecamatan_id != who.kecamatan_id):
            abort(404)
        body = poster_pdf([poster_facts(s, desa, today(), runtime().settings.bot_whatsapp_number)])
        return _pdf(body, f"poster-{desa.kode}")


@bp.get("/poster/kecamatan/<int:kecamatan_id>.pdf")
@allow(ADMIN, PETUGAS, CAMAT)
def poster_kecamatan(kecamatan_id: int):
    who = viewer()
    with runtime().sessions() as s:
        kec = s.get(Kecamatan, kecamatan_id)
        if kec is None or (who.role == CAMAT and kec.id != who.kecamatan_id):
            abort(404)
        number = runtime().settings.bot_whatsapp_number
        body = poster_pdf([poster_facts(s, d, today(), number) for d in desa_of_kecamatan(s, kec.id)])
        return _pdf(body, f"poster-kecamatan-{kec.kode}")
