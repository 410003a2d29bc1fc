"""Bulk, idempotent writes: batched ``INSERT … ON CONFLICT`` on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import case, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Session


def upsert(
    session: Session,
    model: type[DeclarativeBase],
    rows: Sequence[dict[str, Any]],
    *,
    keys: Sequence[str],
    update: Sequence[str] | None = None,
    keep_min: Sequence[str] = (),
    keep_max: Sequence[str] = (),
) -> int:
    """Insert ``rows`` into ``model``'s table; on a conflict on ``keys`` update ``update`` columns.

    ``keep_min``/``keep_max`` columns keep the smaller/larger of the stored and new value
    (first seen, last seen), so loading nights out of order gives the same result. With no
    update columns, conflicting rows are left as they are. Returns the number of rows sent.
    ``keys`` must be a unique constraint of the table.
    """
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    insert = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}.get(dialect)
    if insert is None:
        raise NotImplementedError(f"upsert is not implemented for the {dialect!r} dialect")
    table = model.__table__
    # One statement, executed for many parameter sets: the driver batches them (SQLite's C
    # executemany, psycopg's pipeline), far cheaper than compiling giant VALUES lists.
    stmt = insert(table)
    changes = {col: stmt.excluded[col] for col in update or ()}
    for col in keep_min:
        changes[col] = case((stmt.excluded[col] < table.c[col], stmt.excluded[col]), else_=table.c[col])
    for col in keep_max:
        changes[col] = case((stmt.excluded[col] > table.c[col], stmt.excluded[col]), else_=table.c[col])
    if changes:
        stmt = stmt.on_conflict_do_update(index_elements=list(keys), set_=changes)
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=list(keys))
    columns = list(rows[0])
    for chunk in _chunks(rows, 5_000):
        session.execute(stmt, [{c: row.get(c) for c in columns} for row in chunk])
    return len(rows)


def lookup_ids(
    session: Session, model: type[DeclarativeBase], key: str, values: Sequence[Any]
) -> dict[Any, int]:
    """Map each of ``values`` of the unique column ``key`` to its row id."""
    column = getattr(model, key)
    found: dict[Any, int] = {}
    unique = list(dict.fromkeys(values))
    for chunk in _chunks(unique, 5_000):
        for value, row_id in session.execute(select(column, model.id).where(column.in_(chunk))):
            found[value] = row_id
    return found


def lookup_ids_composite(
    session: Session, model: type[DeclarativeBase], keys: Sequence[str], values: Sequence[tuple]
) -> dict[tuple, int]:
    """Like :func:`lookup_ids` for a composite unique key."""
    columns = [getattr(model, k) for k in keys]
    found: dict[tuple, int] = {}
    unique = list(dict.fromkeys(values))
    for chunk in _chunks(unique, 2_000):
        stmt = select(*columns, model.id).where(tuple_(*columns).in_(chunk))
        for row in session.execute(stmt):
            found[tuple(row[:-1])] = row[-1]
    return found


def _chunks(rows: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
