"""The beat's daily retention sweep: a thin task around ``privacy.services.retention_sweep``."""

import logging
from dataclasses import asdict

from celery import shared_task

from privacy.services import retention_sweep as sweep

logger = logging.getLogger(__name__)


@shared_task(name="privacy.retention_sweep")
def retention_sweep() -> dict[str, int]:
    """Anonymise what is past the retention periods; idempotent, so a retried run is harmless."""
    result = asdict(sweep())
    logger.info("retention sweep: %s", result)
    return result
