"""Fill the cases' search text for hazards registered before it existed (one UPDATE)."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

# The same parts in the same order as cases.kinds.search_text for the hazard kind (empty parts
# leave a double space, which a substring search does not notice); lower() and || are the same
# in SQLite and PostgreSQL.
BACKFILL = """
UPDATE cases_case SET search_text = (
    SELECT lower(trim(cases_case.title || ' ' || h.address || ' ' || h.responsible_name
                      || ' ' || h.ledger_ref))
    FROM hazards_hazard h WHERE h.case_ptr_id = cases_case.id
)
WHERE kind = 'hazard' AND search_text = ''
"""


def backfill(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    schema_editor.execute(BACKFILL)


class Migration(migrations.Migration):
    dependencies = [
        ("hazards", "0002_derive_campaign_status_from_dates"),
        ("cases", "0003_search_trigram_index"),
    ]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
