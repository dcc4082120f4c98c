import datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def dmy(value: str | None) -> str:
    """An ISO date or date-time of the frozen figures, as dd/mm/yyyy."""
    if not value:
        return ""
    return datetime.date.fromisoformat(str(value)[:10]).strftime("%d/%m/%Y")


@register.filter
def lookup(mapping: dict, key):
    return mapping.get(key, key)


@register.filter
def number(value: str | None) -> str:
    """A frozen figure kept as text ("97.5") in the reader's language: 97,5 in Vietnamese."""
    if value in (None, ""):
        return ""
    try:
        return formats.number_format(Decimal(str(value)), use_l10n=True)
    except InvalidOperation:
        return str(value)
