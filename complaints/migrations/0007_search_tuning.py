"""The search indexes answer in a few milliseconds whatever was written last (PostgreSQL only).

Two storage parameters, no change to the schema Django models (so no state
operation), measured with bench/queue.py at 1,000,000 complaints:

- ``fastupdate = off`` on the five GIN indexes of ``0005_search_indexes``.
  With it on, new entries wait in a pending list (up to 4 MB an index) that
  every search reads in full: after 10,000 complaints were touched, a piece
  of a reference took 25 ms instead of 1 ms. Off, each write updates the
  index at once (a little slower to file a complaint, nothing an agent
  waits for), and the lists already pending are merged here.
- ``parallel_workers = 0`` on the complaints. Full-text estimates have a
  floor (half a percent of the rows for a word the statistics do not list,
  once per language), so PostgreSQL expects thousands of matches where
  there are a few, and starts two workers to read them: on a busy two-core
  host they took 20 ms to start for 1 ms of work. The agents' reads of
  complaints are index look-ups that never need them.
"""

from django.db import migrations

GIN_INDEXES = (
    "customer_name_trgm_idx",
    "customer_phone_trgm_idx",
    "complaint_reference_trgm_idx",
    "complaint_order_trgm_idx",
    "complaint_description_fts_idx",
)

FORWARD = [
    *(f"ALTER INDEX {name} SET (fastupdate = off)" for name in GIN_INDEXES),
    *(f"SELECT gin_clean_pending_list('{name}'::regclass)" for name in GIN_INDEXES),
    "ALTER TABLE complaints_complaint SET (parallel_workers = 0)",
]
BACKWARD = [
    *(f"ALTER INDEX {name} RESET (fastupdate)" for name in GIN_INDEXES),
    "ALTER TABLE complaints_complaint RESET (parallel_workers)",
]


def on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("complaints", "0006_attachment_added_by")]

    operations = [migrations.RunPython(on_postgresql(FORWARD), on_postgresql(BACKWARD))]
