"""Bulk, idempotent writes: ``INSERT … ON CONFLICT`` on SQLite and PostgreSQL.

SQLite gets one prepared statement run by the driver's C ``executemany``; PostgreSQL gets
``COPY`` into a temporary table and one ``INSERT … SELECT … ON CONFLICT``. Both skip
SQLAlchemy's per-row parameter handling (most of the time of a Core ``executemany``): each
column's values go through the same bind processor SQLAlchemy would use, once per column.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Column, MetaData, Table, case, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.orm import DeclarativeBase, Session

CHUNK = 5_000
_stage_names = itertools.count()


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
    update columns, conflicting rows are left as they are. Rows repeating a key within
    ``rows`` behave as if sent one after another. Columns missing from the rows take their
    Python-side defaults. Returns the number of rows sent. ``keys`` must be a unique
    constraint of the table.
    """
    if not rows:
        return 0
    connection = session.connection()
    dialect = connection.dialect
    if dialect.name not in ("sqlite", "postgresql"):
        raise NotImplementedError(f"upsert is not implemented for the {dialect.name!r} dialect")
    table = model.__table__
    update = list(update or ())
    given = [table.c[name] for name in rows[0]]
    defaults = [c for c in table.columns if c.key not in rows[0] and _python_default(c)]
    names = [c.key for c in given + defaults]
    if dialect.name == "postgresql":
        # COPY then INSERT … SELECT touches each key once, so repeats are merged first.
        merged = merge_repeats(rows, keys, update, keep_min, keep_max)
        values = _column_values(merged, given, defaults, dialect)
        stage = _stage(connection, given + defaults, values)
        stmt = postgresql.insert(table).from_select(names, select(*stage.columns))
        connection.execute(_on_conflict(stmt, table, keys, update, keep_min, keep_max))
        stage.drop(connection)
    else:
        values = _column_values(rows, given, defaults, dialect)
        stmt = _on_conflict(sqlite.insert(table), table, keys, update, keep_min, keep_max)
        compiled = stmt.compile(dialect=dialect, column_keys=names)
        by_key = dict(zip(names, values, strict=True))
        if sorted(compiled.positiontup or ()) != sorted(by_key):  # binds exactly our columns
            raise RuntimeError(f"unexpected binds {compiled.positiontup} for {list(by_key)}")
        records = list(zip(*[by_key[name] for name in compiled.positiontup], strict=True))
        for chunk in _chunks(records, CHUNK):
            connection.exec_driver_sql(str(compiled), chunk)
    return len(rows)


def merge_repeats(
    rows: Sequence[dict[str, Any]],
    keys: Sequence[str],
    update: Sequence[str],
    keep_min: Sequence[str],
    keep_max: Sequence[str],
) -> Sequence[dict[str, Any]]:
    """One row per key, as if the rows had been upserted one after another."""
    merged: dict[tuple, dict[str, Any]] = {}
    for row in rows:
        key = tuple(row[k] for k in keys)
        kept = merged.get(key)
        if kept is None:
            merged[key] = row
            continue
        kept = merged[key] = dict(kept)
        for name in update:
            kept[name] = row.get(name)
        for name, better in [(n, min) for n in keep_min] + [(n, max) for n in keep_max]:
            new, old = row.get(name), kept.get(name)
            if new is not None and old is not None:  # SQL's comparison with NULL keeps the old
                kept[name] = better(new, old)
    return rows if len(merged) == len(rows) else list(merged.values())


def _on_conflict(stmt: Any, table: Table, keys: Sequence[str], update: Sequence[str],
                 keep_min: Sequence[str], keep_max: Sequence[str]) -> Any:
    changes = {col: stmt.excluded[col] for col in update}
    for col in keep_min:
        changes[col] = case((stmt.excluded[col] < table.c[col], stmt.excluded[col]), else_=table.c[col])
    for col in keep_max:
        changes[col] = case((stmt.excluded[col] > table.c[col], stmt.excluded[col]), else_=table.c[col])
    if changes:
        return stmt.on_conflict_do_update(index_elements=list(keys), set_=changes)
    return stmt.on_conflict_do_nothing(index_elements=list(keys))


def _python_default(column: Column) -> bool:
    default = column.default
    return default is not None and (default.is_scalar or default.is_callable) and not column.primary_key


def _column_values(rows: Sequence[dict[str, Any]], given: list[Column], defaults: list[Column],
                   dialect: Dialect) -> list[list[Any]]:
    """The values of the ``given`` columns, then of the ``defaults`` columns (their Python
    defaults), as the driver takes them: through SQLAlchemy's bind processors."""
    raws = [[row.get(column.key) for row in rows] for column in given]
    for column in defaults:
        arg = column.default.arg
        raws.append([arg(None) for _ in rows] if column.default.is_callable else [arg] * len(rows))
    values = []
    for column, raw in zip(given + defaults, raws, strict=True):
        process = column.type.dialect_impl(dialect).bind_processor(dialect)
        values.append(_processed(process, raw) if process else raw)
    return values


def _processed(process: Any, raw: list[Any]) -> list[Any]:
    try:  # dates, flags and codes repeat a lot within a load: process each distinct value once
        memo = {value: process(value) for value in set(raw)}
    except TypeError:  # unhashable: lists and dicts of JSON columns
        return [process(value) for value in raw]
    return [memo[value] for value in raw]


def _stage(connection: Connection, columns: list[Column], values: list[list[Any]]) -> Table:
    """A temporary table holding ``values``, filled with COPY."""
    from psycopg import sql

    stage = Table(f"admon_stage_{next(_stage_names)}", MetaData(),
                  *[Column(c.key, c.type) for c in columns], prefixes=["TEMPORARY"])
    stage.create(connection)
    copy_sql = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(stage.name), sql.SQL(", ").join(sql.Identifier(c.key) for c in columns))
    cursor = connection.connection.driver_connection.cursor()
    with cursor.copy(copy_sql) as copy:
        for record in zip(*values, strict=True):
            copy.write_row(record)
    return stage


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
