"""Dialect-specific statements the guarantees rest on."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_ignore(session: Session, model, conflict_columns: Sequence[str], values: Mapping[str, Any]):
    """INSERT … ON CONFLICT (cols) DO NOTHING, atomic on both SQLite and PostgreSQL."""
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(model).values(**values).on_conflict_do_nothing(index_elements=list(conflict_columns))
