"""A trigram index for the case lists' text search, on PostgreSQL only.

pg_trgm is a trusted extension (PostgreSQL 13+): a database owner may create it. Where it
cannot be created the index is left out and the search still works, only slower; the
statement runs inside a savepoint so a refusal does not abort the migration.
"""

from django.db import migrations, transaction
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            schema_editor.execute(
                "CREATE INDEX IF NOT EXISTS case_search_trgm ON cases_case "
                "USING gin (search_text gin_trgm_ops)"
            )
    except Exception as exc:  # noqa: BLE001  a missing privilege must not stop the upgrade
        print(f"\n  skipped the trigram search index: {exc}")


def drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS case_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_case_search_text_and_overdue_index")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
