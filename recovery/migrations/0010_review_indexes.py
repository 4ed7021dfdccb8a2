# The managers' review (review/): one index per moment it counts by.
# Plain CREATE INDEX (it also runs on the embedded SQLite); at a million
# tickets each takes a few seconds on PostgreSQL, writes waiting meanwhile.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('recovery', '0009_second_attempt'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='compensation',
            index=models.Index(condition=models.Q(('status', 'fulfilled')), fields=['fulfilled_at'], name='compensation_fulfilled_idx'),
        ),
        migrations.AddIndex(
            model_name='ticket',
            index=models.Index(fields=['callback_promised_at'], name='ticket_promised_idx'),
        ),
        migrations.AddIndex(
            model_name='ticket',
            index=models.Index(condition=models.Q(('acknowledged_at__isnull', False)), fields=['acknowledged_at'], name='ticket_acknowledged_idx'),
        ),
        migrations.AddIndex(
            model_name='ticket',
            index=models.Index(condition=models.Q(('breached_at__isnull', False)), fields=['breached_at'], name='ticket_breached_idx'),
        ),
        migrations.AddIndex(
            model_name='ticket',
            index=models.Index(condition=models.Q(('resolved_at__isnull', False)), fields=['resolved_at'], name='ticket_resolved_idx'),
        ),
        migrations.AddIndex(
            model_name='ticketevent',
            index=models.Index(condition=models.Q(('kind', 'status'), models.Q(('to_status', 'resolved'), ('from_status', 'resolved'), _connector='OR')), fields=['created_at'], name='event_resolution_idx'),
        ),
    ]
