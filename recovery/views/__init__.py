"""The agents' pages: ``queue``, the ``ticket`` page, and its steps (``steps``, ``ledger``, answered by ``step_runner``)."""
