"""`report VISIT_ID`: what one Kenduren Mas day achieved, for the admins and the Bupati's evaluation."""

from __future__ import annotations

import click

from bot.cli.context import fail, runtime
from flows.dates import tanggal
from storage.broadcast_stats import figures
from storage.models import TicketStatus
from storage.reports import visit_report

STATUS_ORDER = tuple(TicketStatus)  # the enum's own order; a second list here had lost 'dibatalkan'


@click.command("report")
@click.argument("visit_id", type=int)
def report_command(visit_id: int) -> None:
    """Laporan satu kunjungan: tiket per OPD, survei, usulan, pengingat, jangkauan desa."""
    with runtime().sessions() as s:
        rep = visit_report(s, visit_id)
        if rep is None:
            fail(f"Kunjungan #{visit_id} tidak ada. Lihat: python -m bot schedule list")
        v = rep.visit
        click.echo(f"Laporan Kenduren Mas #{v.id} — Kecamatan {v.kecamatan.nama}, {tanggal(v.tanggal)} ({v.status})")
        click.echo("\nTiket layanan per OPD (status) dan survei kepuasan:")
        if not rep.opd:
            click.echo("  (belum ada tiket)")
        for line in rep.opd:
            statuses = ", ".join(f"{k} {line.by_status[k]}" for k in STATUS_ORDER if line.by_status.get(k))
            rating = f"rata-rata {line.rating:.2f} dari {line.surveys} survei" if line.surveys else "belum ada survei"
            click.echo(f"  {line.opd:<18} {line.tickets:>4} tiket ({statuses or '-'}); {rating}")
        total = sum(rep.proposals.values())
        click.echo(f"\nUsulan pembangunan dari kecamatan ini sejak kunjungan sebelumnya: {total}"
                   + (f" ({', '.join(f'{k} {n}' for k, n in sorted(rep.proposals.items()))}); "
                      f"{rep.supporters} dukungan tambahan" if total else ""))
        click.echo(f"\nPelanggan pengingat Kecamatan {v.kecamatan.nama}: {rep.subscribers}")
        stats = figures(s, [b.id for b in rep.broadcasts])
        for b in rep.broadcasts:
            f = stats.get(b.id)
            if f:
                click.echo(f"  {b.kind:<10} direncanakan {f.planned}, terkirim {f.sent}, diterima {f.delivered}, "
                           f"dibaca {f.read}, gagal {f.failed}")
        click.echo("\nAntrean di lokasi per dinas (waktu tunggu: dari ambil nomor sampai dipanggil):")
        if not rep.queue:
            click.echo("  (tidak ada antrean)")
        for q in rep.queue:
            waits = (f"median {q.median_wait:.0f} menit, p90 {q.p90_wait:.0f} menit" if q.median_wait is not None
                     else "belum ada yang dilayani")
            click.echo(f"  {q.opd:<18} {q.checked_in:>4} nomor ({q.walk_in} daftar langsung); dilayani {q.served}, "
                       f"tidak datang {q.no_shows}, belum selesai {q.waiting}; tunggu {waits}")
        click.echo("\nWarga yang datang lewat tautan kepala desa:")
        if not rep.referrals:
            click.echo("  (belum ada)")
        for desa, n in rep.referrals.items():
            click.echo(f"  Desa {desa:<20} {n}")


COMMANDS = [report_command]
