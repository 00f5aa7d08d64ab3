"""Dialect-specific INSERT (ON CONFLICT) for the atomic inserts and upserts the guarantees rest on."""

from __future__ import annotations

from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def dialect_name(session: Session | Connection) -> str:
    return (session.dialect if isinstance(session, Connection) else session.get_bind().dialect).name


def insert_for(dialect: str, model):
    """INSERT with ON CONFLICT support for SQLite or PostgreSQL."""
    return (postgresql if dialect == "postgresql" else sqlite).insert(model)
