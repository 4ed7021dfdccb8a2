"""What privacy announces, for the layers above it (the review) to subscribe to.

``complaints_anonymising`` is sent inside the anonymising transaction, before
the complaints' texts are replaced, with ``complaint_ids``. A receiver returns
``{complaint_id: {field: text}}`` for a text whose *meaning* the statistics
read (the review sorts ``remedy_sought`` into buckets by keyword): the text
is then replaced by the receiver's placeholder instead of ``[erased]``. The
placeholder must come from the receiver's own vocabulary, never from the
customer's words.
"""

from django.dispatch import Signal

complaints_anonymising = Signal()

# The only fields a receiver may ask to keep a placeholder in.
PLACEHOLDER_FIELDS = frozenset({"remedy_sought"})
