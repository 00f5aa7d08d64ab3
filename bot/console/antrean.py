"""/console/antrean/<visit_id>/<opd>: the screen at a stand. Large numbers, refreshed by the page
itself (meta refresh: no script), numbers only: no resident's name or phone appears."""

from __future__ import annotations

from flask import abort, render_template

from bot.console.access import ADMIN, PETUGAS, allow, now, runtime, viewer
from bot.console.blueprint import bp
from flows.dates import tanggal
from handlers.antrean.board import display_board

REFRESH_SECONDS = 15


@bp.get("/antrean/<int:visit_id>/<opd>")
@allow(ADMIN, PETUGAS)
def queue_display(visit_id: int, opd: str):
    who = viewer()
    with runtime().sessions() as s:
        board = display_board(s, visit_id, opd, now())
        if board is None:
            abort(404)
        if not who.is_admin and who.opd_id != board["opd"].id:
            abort(403)  # a petugas opens the screen of their own dinas only
        return render_template("console/antrean.html", board=board, refresh=REFRESH_SECONDS,
                               tanggal=tanggal(board["visit"].tanggal), kecamatan=board["visit"].kecamatan.nama)
