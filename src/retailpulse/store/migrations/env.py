"""Alembic environment: uses the engine handed over by retailpulse.store.migrate."""

from __future__ import annotations

from alembic import context

from retailpulse.store.tables import metadata

config = context.config
engine = config.attributes.get("engine")


def run_migrations_online() -> None:
    if engine is None:
        raise RuntimeError("Run migrations through retailpulse (retailpulse init).")
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        context.run_migrations()


run_migrations_online()
