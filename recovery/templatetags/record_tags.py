"""The names a record event stores (``recovery.workflow.record.names_of``), in the reader's language."""

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def record_name(names):
    """``{"en": ..., "fr": ...}`` as the page's language reads it; "" for none."""
    if not names:
        return ""
    french = (get_language() or "en").startswith("fr")
    return names.get("fr" if french else "en") or names.get("en", "")
