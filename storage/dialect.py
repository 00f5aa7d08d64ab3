"""Dialect-specific statements the guarantees rest on (atomic insert-or-ignore, upserts)."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def dialect_name(session: Session) -> str:
    return session.get_bind().dialect.name


def insert_for(dialect: str, model):
    """INSERT with ON CONFLICT support for SQLite or PostgreSQL."""
    return (postgresql if dialect == "postgresql" else sqlite).insert(model)


def insert_ignore(session: Session, model, conflict_columns: Sequence[str], values: Mapping[str, Any]):
    """INSERT … ON CONFLICT (cols) DO NOTHING, atomic on both SQLite and PostgreSQL."""
    return insert_for(dialect_name(session), model).values(**values).on_conflict_do_nothing(
        index_elements=list(conflict_columns))
