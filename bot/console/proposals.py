"""/console/usulan: proposals for Musrenbang. Admins see all, change status (the resident is told),
merge duplicates; a kepala desa sees only their own desa's. Exports: usulan.csv and usulan.xlsx
with the same filters."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Response, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.console import proposal_actions
from bot.console.access import ADMIN, CAMAT, KADES, Viewer, allow, now, runtime, viewer
from bot.console.blueprint import bp
from bot.console.forms import int_arg
from bot.console.proposal_export import (
    as_csv, as_xlsx, export_rows, kegiatan_of, musrenbang_csv, musrenbang_rows, musrenbang_xlsx, perangkat_daerah_of,
)
from catalogue.console import text
from flows import codes
from flows.usulan import KATEGORI
from storage import reference
from storage.models import Desa, Kecamatan, Proposal, ProposalEvent, ProposalStatus, Staff

LIST_LIMIT = 500


@dataclass(frozen=True)
class Filters:
    kecamatan: int | None
    desa: int | None
    kategori: str | None
    status: str | None
    pendukung: int | None
    tahun: int | None = None

    @classmethod
    def from_request(cls) -> Filters:
        kategori = request.args.get("kategori") or None
        status = request.args.get("status") or None
        tahun = int_arg("tahun")
        return cls(int_arg("kecamatan"), int_arg("desa"), kategori if kategori in KATEGORI else None,
                   status if status in {s.value for s in ProposalStatus} else None, int_arg("pendukung"),
                   tahun if tahun is not None and 2000 <= tahun <= 2099 else None)

    def query_args(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}


def visible_proposals(who: Viewer):
    stmt = select(Proposal).join(Proposal.desa).where(Proposal.merged_into_id.is_(None))
    if who.role == KADES:
        stmt = stmt.where(Proposal.desa_id == who.desa_id)
    elif who.role == CAMAT:
        stmt = stmt.where(Desa.kecamatan_id == who.kecamatan_id)
    return stmt


def filtered(who: Viewer, f: Filters):
    stmt = visible_proposals(who).options(selectinload(Proposal.desa).selectinload(Desa.kecamatan))
    if f.kecamatan:
        stmt = stmt.where(Desa.kecamatan_id == f.kecamatan)
    if f.desa:
        stmt = stmt.where(Proposal.desa_id == f.desa)
    if f.kategori:
        stmt = stmt.where(Proposal.kategori == f.kategori)
    if f.status:
        stmt = stmt.where(Proposal.status == f.status)
    if f.pendukung:
        stmt = stmt.where(Proposal.support_count >= f.pendukung)
    if f.tahun:
        from datetime import datetime
        from zoneinfo import ZoneInfo

        zone = ZoneInfo(runtime().settings.bot_timezone)
        stmt = stmt.where(Proposal.created_at >= datetime(f.tahun, 1, 1, tzinfo=zone),
                          Proposal.created_at < datetime(f.tahun + 1, 1, 1, tzinfo=zone))
    return stmt.order_by(Proposal.support_count.desc(), Proposal.created_at.desc(), Proposal.id)


def load_proposal(s: Session, who: Viewer, kode: str, *, for_update: bool = False) -> Proposal:
    stmt = select(Proposal).where(Proposal.kode == (codes.normalise(kode) or kode.upper()))
    if who.role == KADES:
        stmt = stmt.where(Proposal.desa_id == who.desa_id)
    elif who.role == CAMAT:
        stmt = stmt.where(Proposal.desa_id.in_(select(Desa.id).where(Desa.kecamatan_id == who.kecamatan_id)))
    if for_update:
        stmt = stmt.with_for_update()
    proposal = s.scalar(stmt)
    if proposal is None:
        abort(404)
    return proposal


@bp.get("/usulan")
@allow(ADMIN, KADES, CAMAT)
def proposals():
    who = viewer()
    f = Filters.from_request()
    with runtime().sessions() as s:
        rows = list(s.scalars(filtered(who, f).limit(LIST_LIMIT)))
        kecamatan = list(s.scalars(select(Kecamatan).order_by(Kecamatan.nama))) if who.is_admin else []
        desa_stmt = select(Desa).order_by(Desa.nama)
        if who.role == KADES:
            desa_stmt = desa_stmt.where(Desa.id == who.desa_id)
        elif who.role == CAMAT:
            desa_stmt = desa_stmt.where(Desa.kecamatan_id == who.kecamatan_id)
        elif f.kecamatan:
            desa_stmt = desa_stmt.where(Desa.kecamatan_id == f.kecamatan)
        else:
            desa_stmt = desa_stmt.where(Desa.id.in_(select(Proposal.desa_id)))
        desa = list(s.scalars(desa_stmt.options(selectinload(Desa.kecamatan))))
        return render_template("console/proposals.html", rows=rows, f=f, kecamatan=kecamatan, desa=desa,
                               kategori=KATEGORI, statuses=[s.value for s in ProposalStatus], limit=LIST_LIMIT,
                               tz=runtime().settings.bot_timezone)


@bp.get("/usulan/<kode>")
@allow(ADMIN, KADES, CAMAT)
def proposal_detail(kode: str):
    who = viewer()
    with runtime().sessions() as s:
        proposal = load_proposal(s, who, kode)
        events = list(s.scalars(select(ProposalEvent).where(ProposalEvent.proposal_id == proposal.id)
                                .options(selectinload(ProposalEvent.staff)).order_by(ProposalEvent.at)))
        merged = list(s.scalars(select(Proposal).where(Proposal.merged_into_id == proposal.id)))
        candidates = proposal_actions.merge_candidates(s, proposal) if who.is_admin else []
        target = s.get(Proposal, proposal.merged_into_id) if proposal.merged_into_id else None
        pd = perangkat_daerah_of(proposal)
        return render_template("console/proposal.html", proposal=proposal, events=events, merged=merged,
                               candidates=candidates, target=target, statuses=[s.value for s in ProposalStatus],
                               tz=runtime().settings.bot_timezone, kegiatan=kegiatan_of(proposal), pd=pd,
                               perangkat_daerah=reference.perangkat_daerah(),
                               reviews=proposal_actions.REVIEW_DECISIONS)


@bp.post("/usulan/<kode>/status")
@allow(ADMIN)
def proposal_status(kode: str):
    new = request.form.get("status", "")
    note = request.form.get("catatan", "").strip()[:500] or None
    with runtime().sessions.begin() as s:
        proposal = load_proposal(s, viewer(), kode, for_update=True)
        if new not in {st.value for st in ProposalStatus} or proposal.merged_into_id:
            flash(text("console.proposal.bad_status"), "error")
            return redirect(url_for("console.proposal_detail", kode=proposal.kode))
        message = proposal_actions.set_status(s, s.get_one(Staff, viewer().id), proposal, new, note, now())
        kode = proposal.kode
    flash(message, "ok")
    return redirect(url_for("console.proposal_detail", kode=kode))


@bp.post("/usulan/<kode>/gabung")
@allow(ADMIN)
def proposal_merge(kode: str):
    target_kode = request.form.get("target", "").strip().upper()
    with runtime().sessions.begin() as s:
        duplicate = load_proposal(s, viewer(), kode, for_update=True)
        target = s.scalar(select(Proposal).where(Proposal.kode == target_kode).with_for_update())
        refusal = proposal_actions.merge_refusal(duplicate, target)
        if refusal:
            flash(refusal, "error")
            return redirect(url_for("console.proposal_detail", kode=duplicate.kode))
        message = proposal_actions.merge(s, s.get_one(Staff, viewer().id), duplicate, target, now())
    flash(message, "ok")
    return redirect(url_for("console.proposal_detail", kode=target_kode))


def _export(kind: str) -> Response:
    who = viewer()
    f = Filters.from_request()
    stamp = now().strftime("%Y%m%d")
    if request.args.get("format") == "musrenbang":
        return _export_musrenbang(kind, who, f, stamp)
    with runtime().sessions() as s:
        rows = export_rows(list(s.scalars(filtered(who, f))), runtime().settings.bot_timezone)
    if kind == "csv":
        body, mimetype = as_csv(rows), "text/csv; charset=utf-8"
    else:
        body, mimetype = as_xlsx(rows), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mimetype,
                     headers={"Content-Disposition": f'attachment; filename="usulan-{stamp}.{kind}"'})


def _export_musrenbang(kind: str, who: Viewer, f: Filters, stamp: str) -> Response:
    """The Musrenbang table, by kecamatan and year (the filters of the list), refused proposals left out."""
    with runtime().sessions() as s:
        rows = musrenbang_rows(list(s.scalars(filtered(who, f))))
        kec = s.get(Kecamatan, f.kecamatan) if f.kecamatan else None
    where = f"Kec. {kec.nama}" if kec else "Kabupaten Pasuruan"
    title = f"Usulan Musrenbang {where} {f.tahun or ''}".strip() + " (Kenduren Mas)"
    suffix = "-".join(x for x in ("musrenbang", kec.nama.lower().replace(" ", "_") if kec else "", str(f.tahun or ""),
                                  stamp) if x)
    if kind == "csv":
        body, mimetype = musrenbang_csv(rows), "text/csv; charset=utf-8"
    else:
        body, mimetype = musrenbang_xlsx(rows, title), \
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="usulan-{suffix}.{kind}"'})


@bp.post("/usulan/<kode>/tinjau")
@allow(ADMIN)
def proposal_review(kode: str):
    decision = request.form.get("keputusan", "")
    reason = request.form.get("alasan", "").strip()[:500] or None
    with runtime().sessions.begin() as s:
        proposal = load_proposal(s, viewer(), kode, for_update=True)
        refusal = proposal_actions.review_refusal(decision, reason) or (
            text("console.proposal.bad_status") if proposal.merged_into_id else None)
        if refusal:
            flash(refusal, "error")
            return redirect(url_for("console.proposal_detail", kode=proposal.kode))
        message = proposal_actions.review(s, s.get_one(Staff, viewer().id), proposal, decision, reason, now())
        kode = proposal.kode
    flash(message, "ok")
    return redirect(url_for("console.proposal_detail", kode=kode))


def _float_field(name: str) -> tuple[float | None, bool]:
    raw = request.form.get(name, "").strip().replace(",", ".")
    if not raw:
        return None, True
    try:
        value = float(raw)
    except ValueError:
        return None, False
    return value, 0 < value <= 10_000_000


@bp.post("/usulan/<kode>/musrenbang")
@allow(ADMIN)
def proposal_musrenbang(kode: str):
    volume, volume_ok = _float_field("volume")
    raw_rank = request.form.get("prioritas", "").strip()
    prioritas = int(raw_rank) if raw_rank.isdigit() and 1 <= int(raw_rank) <= 9999 else None
    rank_ok = not raw_rank or prioritas is not None
    pd = request.form.get("perangkat_daerah", "").strip() or None
    if pd is not None and pd not in {x.key for x in reference.perangkat_daerah()}:
        pd = None
    with runtime().sessions.begin() as s:
        proposal = load_proposal(s, viewer(), kode, for_update=True)
        if not (volume_ok and rank_ok):
            flash(text("console.usulan.bad_fields"), "error")
            return redirect(url_for("console.proposal_detail", kode=proposal.kode))
        message = proposal_actions.set_musrenbang(
            s, s.get_one(Staff, viewer().id), proposal, kegiatan=request.form.get("kegiatan", "").strip()[:200] or None,
            volume=volume, satuan=request.form.get("satuan", "").strip()[:24] or None, perangkat_daerah=pd,
            prioritas=prioritas, now=now())
        kode = proposal.kode
    flash(message, "ok")
    return redirect(url_for("console.proposal_detail", kode=kode))


@bp.get("/usulan.csv")
@allow(ADMIN, KADES, CAMAT)
def proposals_csv():
    return _export("csv")


@bp.get("/usulan.xlsx")
@allow(ADMIN, KADES, CAMAT)
def proposals_xlsx():
    return _export("xlsx")
