"""`people add-petugas | add-kades | add-camat | add-admin | list | remove | set-password`: the staff the bot
recognises by number, and their console passwords."""

from __future__ import annotations

import re
import sys

import click
from sqlalchemy import select

from bot.cli.context import fail, runtime
from flows.phones import readable, to_e164
from handlers.handoff.staff import release_staff
from storage.db import utcnow
from storage.models import Desa, Kecamatan, Opd, Staff, StaffRole


@click.group("people")
def people() -> None:
    """Petugas OPD, kepala desa dan admin."""


def _phone(raw: str) -> str:
    # phonenumbers reads letters as a keypad word ("0812-FLOWERS"); a typo must not become someone's number.
    if re.search(r"[A-Za-z]", raw.strip().removeprefix("whatsapp:")):
        fail(f"Nomor tidak valid: {raw} (hanya angka, spasi, tanda - dan +)")
    e164 = to_e164(raw)
    if e164 is None:
        fail(f"Nomor tidak valid: {raw}")
    return e164


def _save(staff: Staff) -> None:
    rt = runtime()
    with rt.sessions.begin() as s:
        existing = s.scalar(select(Staff).where(Staff.phone == staff.phone))
        if existing is not None:
            for attr in ("name", "role", "opd_id", "desa_id", "kecamatan_id", "is_coordinator"):
                setattr(existing, attr, getattr(staff, attr))
            existing.active = True
            verb = "diperbarui"
        else:
            s.add(staff)
            verb = "ditambahkan"
    click.echo(f"{staff.role} {staff.name} ({readable(staff.phone)}) {verb}.")


@people.command("add-petugas")
@click.option("--phone", required=True)
@click.option("--name", required=True)
@click.option("--opd", "opd_key", required=True, help="Kunci OPD, misalnya dispendukcapil.")
@click.option("--coordinator", is_flag=True, help="Koordinator OPD: menerima eskalasi tiket yang lama tak dibalas.")
def add_petugas(phone: str, name: str, opd_key: str, coordinator: bool) -> None:
    """Tambah petugas OPD."""
    with runtime().sessions() as s:
        opd = s.scalar(select(Opd).where(Opd.key == opd_key.strip().lower()))
        if opd is None:
            keys = ", ".join(s.scalars(select(Opd.key).order_by(Opd.id)))
            fail(f"OPD tidak dikenal: {opd_key}. Pilihan: {keys}")
    _save(Staff(phone=_phone(phone), name=name.strip(), role=StaffRole.PETUGAS, opd_id=opd.id,
                is_coordinator=coordinator))


@people.command("add-kades")
@click.option("--phone", required=True)
@click.option("--name", required=True)
@click.option("--desa", required=True)
@click.option("--kecamatan", required=True)
def add_kades(phone: str, name: str, desa: str, kecamatan: str) -> None:
    """Tambah kepala desa (menerima pengingat untuk diteruskan ke grup warga)."""
    rt = runtime()
    kec = rt.recogniser.match_kecamatan(kecamatan)
    if kec is None or not kec.certain:
        fail(f"Kecamatan tidak dikenal: {kecamatan}")
    found = [m for m in rt.recogniser.match_desa(desa, kecamatan=kec.name) if m.score >= 85]
    if not found:
        fail(f"Desa {desa} tidak ditemukan di Kecamatan {kec.name}")
    with rt.sessions() as s:
        d = s.scalars(select(Desa).join(Desa.kecamatan)
                      .where(Desa.nama == found[0].name, Kecamatan.nama == kec.name)).one()
    _save(Staff(phone=_phone(phone), name=name.strip(), role=StaffRole.KADES, desa_id=d.id, kecamatan_id=d.kecamatan_id))


@people.command("add-camat")
@click.option("--phone", required=True)
@click.option("--name", required=True)
@click.option("--kecamatan", required=True)
def add_camat(phone: str, name: str, kecamatan: str) -> None:
    """Tambah camat (pesan H-7/H-3 untuk diteruskan ke kepala desa, kehadiran per desa, konsol baca-saja)."""
    rt = runtime()
    kec = rt.recogniser.match_kecamatan(kecamatan)
    if kec is None or not kec.certain:
        fail(f"Kecamatan tidak dikenal: {kecamatan}")
    with rt.sessions() as s:
        kecamatan_id = s.scalar(select(Kecamatan.id).where(Kecamatan.nama == kec.name))
    _save(Staff(phone=_phone(phone), name=name.strip(), role=StaffRole.CAMAT, kecamatan_id=kecamatan_id))


@people.command("add-admin")
@click.option("--phone", required=True)
@click.option("--name", required=True)
def add_admin(phone: str, name: str) -> None:
    """Tambah admin (Kominfo/Bappeda)."""
    _save(Staff(phone=_phone(phone), name=name.strip(), role=StaffRole.ADMIN))


@people.command("list")
@click.option("--role", type=click.Choice([r.value for r in StaffRole]), default=None)
def list_people(role: str | None) -> None:
    """Daftar staf aktif."""
    with runtime().sessions() as s:
        stmt = select(Staff).where(Staff.active.is_(True)).order_by(Staff.role, Staff.name)
        if role:
            stmt = stmt.where(Staff.role == role)
        rows = s.scalars(stmt).all()
        if not rows:
            click.echo("Belum ada staf terdaftar.")
        for st in rows:
            where = (st.opd.key if st.opd else "") or (f"Desa {st.desa.nama}, Kec. {st.desa.kecamatan.nama}" if st.desa else "") \
                or (f"Kec. {st.kecamatan.nama}" if st.kecamatan else "")
            flag = " (koordinator)" if st.is_coordinator else ""
            click.echo(f"{st.role:<8} {readable(st.phone):<15} {st.name:<24} {where}{flag}")


@people.command("remove")
@click.option("--phone", required=True)
def remove(phone: str) -> None:
    """Nonaktifkan staf (riwayat tiket tetap tersimpan)."""
    from bot.console.security import end_sessions

    e164 = _phone(phone)
    with runtime().sessions.begin() as s:
        st = s.scalar(select(Staff).where(Staff.phone == e164, Staff.active.is_(True)))
        if st is None:
            fail(f"Tidak ada staf aktif dengan nomor {readable(e164)}")
        released = release_staff(s, st, utcnow())
        end_sessions(s, st.id)  # a console cookie of theirs opens nothing any more
    back = f" {released} tiket terbuka kembali ke antrean dinas." if released else ""
    click.echo(f"{readable(e164)} dinonaktifkan.{back}")


def _read_password() -> str:
    """From the terminal (asked twice, not shown), or the first line of piped stdin."""
    if sys.stdin.isatty():
        return click.prompt("Kata sandi baru", hide_input=True, confirmation_prompt="Ulangi kata sandi")
    return sys.stdin.readline().rstrip("\r\n")


@people.command("set-password")
@click.option("--phone", required=True)
def set_password(phone: str) -> None:
    """Atur kata sandi konsol web untuk staf (dibaca dari stdin, disimpan sebagai hash)."""
    from bot.console.security import MIN_PASSWORD_LENGTH, end_sessions, hash_password

    e164 = _phone(phone)
    password = _read_password()
    if len(password) < MIN_PASSWORD_LENGTH:
        fail(f"Kata sandi terlalu pendek: paling sedikit {MIN_PASSWORD_LENGTH} karakter.")
    with runtime().sessions.begin() as s:
        st = s.scalar(select(Staff).where(Staff.phone == e164, Staff.active.is_(True)))
        if st is None:
            fail(f"Tidak ada staf aktif dengan nomor {readable(e164)}; tambahkan dulu dengan people add-….")
        st.password_hash = hash_password(password)
        end_sessions(s, st.id)  # sessions begun under the old password end
    click.echo(f"Kata sandi konsol untuk {readable(e164)} disimpan.")


COMMANDS = [people]
