"""`schedule cancel VISIT_ID` and `schedule move VISIT_ID --to DATE`, added onto `schedule`.

The change, the cancellation of waiting reminders and the correction to everyone already
reminded are committed together; the sender sends the correction on its next pass. The logic is
handlers/visit_changes.py, shared with the web console; a move also warns about weekends, public
holidays and one office in two places.
"""

from __future__ import annotations

from datetime import UTC, datetime

import click

from bot.cli.context import fail, runtime, today
from bot.cli.schedule_cmd import schedule
from catalogue import render_say
from flows.dates import tanggal
from handlers.visit_changes import VisitChangeRefused, cancel_visit, correction_summary, move_visit


def _report(change) -> str:
    return correction_summary(change)


@schedule.command("cancel")
@click.argument("visit_id", type=int)
def cancel_command(visit_id: int) -> None:
    """Batalkan kunjungan; warga yang sudah diingatkan menerima koreksi."""
    rt = runtime()
    try:
        with rt.sessions.begin() as session:
            change = cancel_visit(session, rt, visit_id, datetime.now(UTC))
            label = f"Kec. {change.visit.kecamatan.nama}, {tanggal(change.visit.tanggal)}"
    except VisitChangeRefused as refused:
        fail(render_say(refused.reason))
    click.echo(f"Kunjungan #{visit_id} ({label}) dibatalkan. {_report(change)}")


@schedule.command("move")
@click.argument("visit_id", type=int)
@click.option("--to", "to_date", required=True, type=click.DateTime(["%Y-%m-%d"]), help="Tanggal baru (YYYY-MM-DD).")
def move_command(visit_id: int, to_date: datetime) -> None:
    """Pindahkan kunjungan ke tanggal lain; warga yang sudah diingatkan menerima koreksi."""
    rt = runtime()
    new_date = to_date.date()
    try:
        with rt.sessions.begin() as session:
            change = move_visit(session, rt, visit_id, new_date, today(rt), datetime.now(UTC))
            label = f"Kec. {change.visit.kecamatan.nama}: {tanggal(change.visit.tanggal)} → {tanggal(new_date)}"
            new_id = change.moved_to.id
    except VisitChangeRefused as refused:
        fail(render_say(refused.reason))
    click.echo(f"Kunjungan #{visit_id} ({label}) dipindah; kunjungan baru #{new_id}. {_report(change)}")
    for warning in change.warnings or []:
        click.echo(render_say(warning), err=True)


COMMANDS: list = []
