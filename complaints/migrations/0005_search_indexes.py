"""The indexes of the queue's search (complaints.search), on PostgreSQL only.

pg_trgm serves ``LIKE '%fragment%'`` from GIN trigram indexes; unaccent folds
accents. ``unaccent()`` is only STABLE (its dictionary could change), so it
cannot be indexed: ``amends_unaccent`` pins the dictionary and is declared
IMMUTABLE, which is what lets an index hold its result. Every operation is
skipped on the embedded SQLite of ``make run``, which has none of these and
searches with plain LIKE instead. The indexes are built in the migration's
transaction (a few minutes at a million complaints, writes to the two tables
waiting meanwhile): run it in a quiet hour.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.functions.text
from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations, models

CREATE_UNACCENT = """
CREATE OR REPLACE FUNCTION public.amends_unaccent(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$
"""
DROP_UNACCENT = "DROP FUNCTION IF EXISTS public.amends_unaccent(text)"


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class AddIndexOnPostgreSQL(migrations.AddIndex):
    """AddIndex that leaves SQLite alone: the models declare the index, only PostgreSQL builds it."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def unaccented(field):
    return models.Func(models.F(field), function="amends_unaccent", output_field=models.TextField())


class Migration(migrations.Migration):
    dependencies = [("complaints", "0004_privacy_erasure_marks")]

    operations = [
        TrigramExtension(),
        UnaccentExtension(),
        migrations.RunPython(on_postgresql(CREATE_UNACCENT), on_postgresql(DROP_UNACCENT)),
        AddIndexOnPostgreSQL(
            model_name="customer",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper(unaccented("name")), name="gin_trgm_ops"
                ),
                name="customer_name_trgm_idx",
            ),
        ),
        AddIndexOnPostgreSQL(
            model_name="customer",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass("phone", name="gin_trgm_ops"),
                name="customer_phone_trgm_idx",
            ),
        ),
        AddIndexOnPostgreSQL(
            model_name="complaint",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Replace(
                        models.F("reference"),
                        models.Value("-"),
                        models.Value(""),
                        output_field=models.CharField(),
                    ),
                    name="gin_trgm_ops",
                ),
                name="complaint_reference_trgm_idx",
            ),
        ),
        AddIndexOnPostgreSQL(
            model_name="complaint",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper(models.F("order_reference")),
                    name="gin_trgm_ops",
                ),
                name="complaint_order_trgm_idx",
            ),
        ),
        AddIndexOnPostgreSQL(
            model_name="complaint",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.search.CombinedSearchVector(
                    django.contrib.postgres.search.SearchVector(
                        unaccented("description"), config="french"
                    ),
                    "||",
                    django.contrib.postgres.search.SearchVector(
                        unaccented("description"), config="english"
                    ),
                    django.contrib.postgres.search.SearchConfig("french"),
                ),
                name="complaint_description_fts_idx",
            ),
        ),
    ]
