"""The worker's broker consumer: Celery's own, made to survive Redis going away under it.

When the connection to Redis is lost, Celery 5.7.0 tears it down in two steps
(``Consumer.on_connection_error_after_connected``): ``collect()``, which closes
the channels and then drops the connection's transport, and ``close()``. The
task channel is almost always blocked in BRPOP when Redis goes, so collect's
attempt to close it stops at reading that dead socket and leaves it open. The
second step closes it for real and, when it holds unacked messages (an ETA
breach the sweep scheduled, or a task running under acks_late: most of the
time here), tries to hand them back to Redis through the dropped transport:
``AttributeError: 'NoneType' object has no attribute 'hostname'`` in kombu's
redis ``_connparams``. Not being a connection error, it escapes the consumer
and the worker exits ("Unrecoverable error") instead of reconnecting. It is
the failure of celery/kombu#582 (a channel closed after its connection lost
its transport) reached by a new path.

So the task channel is closed first, while its transport is still there;
celery's teardown then finds it closed. Messages that cannot be handed back
while Redis is down stay in Redis's unacked set, which redelivers them after
the visibility timeout (settings.py); the sweep, reading every deadline from
the database, does not wait for them.
"""

from celery.worker.consumer import Consumer as CeleryConsumer
from kombu.common import ignore_errors


class Consumer(CeleryConsumer):
    """Celery's consumer, closing its task channel before Celery collects a lost connection."""

    def on_connection_error_after_connected(self, exc):
        close_task_channel(self)
        super().on_connection_error_after_connected(exc)


def close_task_channel(consumer):
    """Close the consumer's task channel on a broken connection, ignoring connection errors.

    Twice at most: a channel blocked in BRPOP spends its first close on
    reading the dead socket (a connection error); the second releases its
    sockets and tries to give its unacked messages back (another connection
    error while Redis is down, or done if it is already back).
    """
    connection = consumer.connection
    channel = getattr(consumer.task_consumer, "channel", None)
    for _attempt in range(2):
        if connection is None or channel is None or getattr(channel, "closed", True):
            return
        ignore_errors(connection, channel.close)
