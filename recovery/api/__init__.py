"""The REST API over recovery tickets (v1): the queue, one ticket, its steps, SLA breaches.

Views here only read the request and call the same services as the agents'
pages (``recovery.services``, ``recovery.compensation``, ``recovery.workflow``);
errors become the one JSON shape in ``config.api.exception_handler``. Routes
are listed in ``config/api.py``.
"""
