"""Choices more than one app stores: kept here so that a lower app can name them.

A complaint's category carries a default priority that its ticket takes; the
category belongs to ``complaints``, the ticket to ``recovery``, and the word
for both is one.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Priority(models.TextChoices):
    HIGH = "high", _("High")
    STANDARD = "standard", _("Standard")
