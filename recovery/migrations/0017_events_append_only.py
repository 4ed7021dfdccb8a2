"""The timeline is append-only in the database too, not only in the model layer.

``TicketEvent`` refuses ``save()`` on an existing row, ``delete()`` and bulk
edits (``ImmutableQuerySet``), but raw SQL, a cascade from a deleted ticket
or user (Django's collector deletes and nulls in SQL, past the queryset) and
anyone at a ``psql`` prompt went around it. On PostgreSQL a row trigger now
refuses every UPDATE and DELETE of ``recovery_ticketevent``, with one narrow
exception: erasing a customer (``recovery.redaction.events_redact``) may,
inside the transaction where it set ``amends.redacting`` to ``on`` (SET
LOCAL, gone at commit or rollback), replace string values of the payload with
``"[erased]"``: no other column, no key added or removed, no other text.

TRUNCATE is not a row event, so the test suite's flush (and bench/) still
empties the table. The embedded SQLite (``make run``, the desktop build) gets
no trigger: it is a single user's database.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION recovery_ticketevent_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND coalesce(current_setting('amends.redacting', true), '') = 'on'
       AND (to_jsonb(NEW) - 'payload') = (to_jsonb(OLD) - 'payload')
       AND jsonb_typeof(OLD.payload) = 'object'
       AND jsonb_typeof(NEW.payload) = 'object'
    THEN
        -- The same keys; each value as it was, or a string now the erased marker.
        IF NOT EXISTS (
            SELECT 1
            FROM jsonb_each(OLD.payload) AS o
            FULL JOIN jsonb_each(NEW.payload) AS n USING (key)
            WHERE o.value IS NULL
               OR n.value IS NULL
               OR (n.value IS DISTINCT FROM o.value
                   AND (n.value <> '"[erased]"'::jsonb OR jsonb_typeof(o.value) <> 'string'))
        ) THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'ticket events are append-only: % of event % refused', TG_OP, OLD.id
        USING ERRCODE = 'restrict_violation',
              HINT = 'Only recovery.redaction.events_redact may replace payload texts, with "[erased]".';
END;
$$;
"""

TRIGGER = """
CREATE TRIGGER recovery_ticketevent_append_only
BEFORE UPDATE OR DELETE ON recovery_ticketevent
FOR EACH ROW EXECUTE FUNCTION recovery_ticketevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS recovery_ticketevent_append_only ON recovery_ticketevent;
DROP FUNCTION IF EXISTS recovery_ticketevent_append_only();
"""


def trigger_create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION, params=None)
        schema_editor.execute(TRIGGER, params=None)


def trigger_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("recovery", "0016_queue_sort_indexes"),
    ]

    operations = [
        migrations.RunPython(trigger_create, trigger_drop, elidable=False),
    ]
