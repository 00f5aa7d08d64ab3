"""A desa's printable poster: one A4 page in Bahasa Indonesia, black on white (it is photocopied and
pinned to a village notice board), with the kecamatan's next visit, what residents can do through
the bot, and a QR code that opens WhatsApp with the desa's referral code prefilled — the same
wa.me link as the kepala desa's reminders (flows.referral), so whoever scans it counts in the
desa's reach. fpdf2 draws the page, segno the QR code; both pure Python.

Used by `/console/poster/<desa_id>.pdf` and `python -m bot poster`; a whole kecamatan is one PDF
with a page per desa/kelurahan.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import segno
from fpdf import FPDF
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from catalogue import render
from flows.dates import rentang_jam, tanggal
from flows.referral import referral_code, wa_me_link
from storage.models import Desa
from storage.schedule import upcoming_planned

# The PDF's core font (Helvetica) is Latin-1: the few typographic marks of the catalogue are
# written as their plain equivalents.
_PLAIN = str.maketrans({"–": "-", "—": "-", "…": "...", "·": "-", "“": '"', "”": '"', "‘": "'", "’": "'",
                        "•": "-"})


@dataclass(frozen=True)
class PosterFacts:
    desa: str
    jenis: str
    kecamatan: str
    desa_kode: str
    link: str | None            # None when BOT_WHATSAPP_NUMBER is not set
    number: str | None
    next_visit: tuple[str, str, str] | None  # tanggal, jam, lokasi

    @property
    def wilayah(self) -> str:
        return f"{'Kelurahan' if self.jenis == 'kelurahan' else 'Desa'} {self.desa}"


def poster_facts(session: Session, desa: Desa, today: date, bot_number: str | None) -> PosterFacts:
    visits = upcoming_planned(session, today, kecamatan_id=desa.kecamatan_id, limit=1)
    nxt = (tanggal(visits[0].tanggal), rentang_jam(visits[0].mulai, visits[0].selesai), visits[0].lokasi) if visits \
        else None
    link = wa_me_link(bot_number, desa.nama, desa.kode) if bot_number else None
    return PosterFacts(desa.nama, desa.jenis, desa.kecamatan.nama, desa.kode, link, bot_number, nxt)


def desa_of_kecamatan(session: Session, kecamatan_id: int) -> list[Desa]:
    return list(session.scalars(select(Desa).where(Desa.kecamatan_id == kecamatan_id)
                                .options(selectinload(Desa.kecamatan)).order_by(Desa.nama)))


def _t(text: str) -> str:
    return text.translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


def qr_png(link: str, scale: int = 10) -> bytes:
    """The link as a black-on-white QR code (error correction M, quiet zone of 4 modules)."""
    out = io.BytesIO()
    segno.make(link, error="m", micro=False).save(out, kind="png", scale=scale, border=4, dark="black", light="white")
    return out.getvalue()


def _page(pdf: FPDF, f: PosterFacts) -> None:
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.set_font("Helvetica", "B", 40)
    pdf.cell(width, 18, _t(render("poster.title")), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 13)
    pdf.cell(width, 7, _t(render("poster.subtitle")), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 16)
    pdf.ln(3)
    pdf.multi_cell(width, 8, _t(render("poster.for", wilayah=f.wilayah, kecamatan=f.kecamatan)), align="C",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    # The next visit, in a box that survives a grey photocopy.
    top = pdf.get_y()
    pdf.set_line_width(0.8)
    pdf.set_font("Helvetica", "B", 15)
    pdf.set_x(pdf.l_margin + 4)
    pdf.multi_cell(width - 8, 8, _t(render("poster.next", kecamatan=f.kecamatan)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 14)
    lines = ([render("poster.when", tanggal=f.next_visit[0], jam=f.next_visit[1]),
              render("poster.where", lokasi=f.next_visit[2])] if f.next_visit else [render("poster.next_none")])
    for line in lines:
        pdf.set_x(pdf.l_margin + 4)
        pdf.multi_cell(width - 8, 7, _t(line), new_x="LMARGIN", new_y="NEXT")
    pdf.rect(pdf.l_margin, top - 2, width, pdf.get_y() - top + 4)
    pdf.ln(7)
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(width, 7, _t(render("poster.can_title")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 12.5)
    for item in render("poster.can").split("|"):
        pdf.set_x(pdf.l_margin + 3)
        pdf.multi_cell(width - 3, 6.5, _t(f"- {item}"), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    if f.link:
        pdf.set_font("Helvetica", "B", 13)
        pdf.multi_cell(width, 7, _t(render("poster.scan")), align="C", new_x="LMARGIN", new_y="NEXT")
        size = 70
        y = pdf.get_y() + 2
        pdf.image(io.BytesIO(qr_png(f.link)), x=(pdf.w - size) / 2, y=y, w=size, h=size)
        # Shared as a file, the code is a link too.
        pdf.link((pdf.w - size) / 2, y, size, size, f.link)
        pdf.set_y(y + size + 3)
        pdf.set_font("Helvetica", "", 12)
        pdf.multi_cell(width, 6, _t(render("poster.or_number", number=f.number, kode=referral_code(f.desa_kode))),
                       align="C", new_x="LMARGIN", new_y="NEXT")
    else:
        pdf.set_font("Helvetica", "I", 12)
        pdf.multi_cell(width, 6, _t(render("poster.no_number")), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(-28)
    pdf.set_font("Helvetica", "", 9.5)
    pdf.multi_cell(width, 5, _t(render("poster.footer")), align="C")


def poster_pdf(pages: list[PosterFacts]) -> bytes:
    """One A4 page per desa, in the order given."""
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(18, 16, 18)
    pdf.set_title(_t(f"Poster Kenduren Mas - {pages[0].kecamatan}" if pages else "Poster Kenduren Mas"))
    pdf.set_author("Pemkab Pasuruan")
    pdf.set_creator("Kenduren Mas bot")
    for f in pages:
        _page(pdf, f)
    return bytes(pdf.output())
