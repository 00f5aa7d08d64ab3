"""What the command line (`schedule import|generate`) and the console's schedule page share: how a
typed kecamatan name is matched, and how a rotation's outcome reads."""

from __future__ import annotations

from catalogue import render


def kecamatan_matcher(rt):
    """Canonical kecamatan for a typed name; only a certain match counts for an import."""
    def match(text: str) -> str | None:
        found = rt.recogniser.match_kecamatan(text)
        return found.name if found is not None and found.certain else None

    return match


def rotation_summary(plan, report) -> str:
    """What a rotation did, in words (the console shows the same lines)."""
    lines = []
    if plan.rows:
        lines.append(render("console.schedule.rotation_done", n=len(plan.rows), first=plan.rows[0].tanggal.isoformat(),
                            last=plan.rows[-1].tanggal.isoformat(), added=report.added, updated=report.updated,
                            unchanged=report.unchanged))
    if plan.skipped:
        lines.append(render("console.schedule.rotation_nothing") if not plan.rows else
                     render("console.schedule.rotation_skipped", n=len(plan.skipped), names=", ".join(plan.skipped)))
    return "\n".join(lines)
