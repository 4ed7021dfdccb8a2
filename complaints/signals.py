"""What intake announces to the layers above it, which it must not import.

``complaint_filed`` is sent by ``complaint_submit`` inside the filing's
transaction, once the complaint and its attachments are saved. Receivers run
synchronously in that transaction: recovery opens the ticket there
(``recovery.receivers``), so a complaint answered with a reference is in the
database with its ticket, and a receiver that raises rolls the whole filing
back rather than leave a complaint nobody works on.

Arguments: ``complaint`` (saved), ``logged_by`` (the staff member who typed
it, or None when the customer filed it themselves).
"""

from django.dispatch import Signal

complaint_filed = Signal()
