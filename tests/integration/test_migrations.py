"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from callwarden.services.runtime import Runtime
from callwarden.store.models import Base


def test_migrated_schema_matches_the_models(rt: Runtime) -> None:
    with rt.db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
