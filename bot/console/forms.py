"""Reading query and form values the forgiving way: a bad number is "not given", never a 500."""

from __future__ import annotations

from flask import request


def int_arg(name: str, *, form: bool = False) -> int | None:
    raw = (request.form if form else request.args).get(name, "")
    try:
        return int(raw) if raw.strip() else None
    except ValueError:
        return None
