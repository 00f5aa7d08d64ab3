"""Dialect-specific INSERT (ON CONFLICT) for the atomic inserts and upserts the guarantees rest on."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def dialect_name(session: Session) -> str:
    return session.get_bind().dialect.name


def insert_for(dialect: str, model):
    """INSERT with ON CONFLICT support for SQLite or PostgreSQL."""
    return (postgresql if dialect == "postgresql" else sqlite).insert(model)
