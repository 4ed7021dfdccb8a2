"""The agents' pages: ``queue``, the ``ticket`` page, and its steps (``steps``, built from ``recovery.steps``)."""
