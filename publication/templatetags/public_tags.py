import datetime

from django import template

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
