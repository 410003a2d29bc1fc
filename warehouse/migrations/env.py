"""Alembic environment: the target metadata is the ORM's, the engine comes from admon."""

from alembic import context

from warehouse.db import make_engine
from warehouse.schema import Base

target_metadata = Base.metadata
config = context.config


def run_migrations_offline() -> None:
    # Offline mode renders SQL for a DBA to apply: no DBAPI connection is needed.
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = config.attributes.get("engine") or make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        # render_as_batch lets ALTER-style migrations work on SQLite too.
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
