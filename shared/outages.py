"""How a request reports a backing service it could not reach: one line, no traceback.

While Redis is down every request fails the same way; a traceback each would
bury whatever else the log has to say (an outage of 20 s once wrote 17,808).
The error's repr names the cause, which is all a reader needs to tell an
outage from a bug.
"""

import logging


def log_unavailable(logger: logging.Logger, message: str, error: BaseException) -> None:
    """Log ``message`` with ``error``'s repr as one warning line, without its traceback."""
    logger.warning("%s (%r)", message, error)
