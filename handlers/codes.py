"""Short codes residents read aloud: KM-4821 for tickets, US-0193 for proposals."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session


from flows import codes
from flows.codes import PROPOSAL_PREFIX, TICKET_PREFIX  # noqa: F401  (their home is flows.codes)


def new_code(session: Session, prefix: str, model) -> str:
    """A short code to read aloud (KM-4821); longer only when the short ones get crowded."""
    for digits in codes.DIGIT_STEPS:
        code = codes.new_code(prefix, digits, secrets.randbelow(9 * 10 ** (digits - 1)))
        if session.scalar(select(model.id).where(model.kode == code)) is None:
            return code
    raise RuntimeError("could not find a free code")


def insert_with_code(session: Session, prefix: str, row) -> str:
    """Insert a row under a fresh unique code; a concurrent twin taking the same code retries."""
    for _ in range(5):
        row.kode = new_code(session, prefix, type(row))
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
            return row.kode
        except IntegrityError:
            continue
    raise RuntimeError("could not insert with a unique code")
