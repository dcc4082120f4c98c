from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def share(figure) -> str:
    """ "87,5 % ± 3,2 · n = 412", or a dash without answers (a tag: included templates cost
    too much on a page of a hundred figures)."""
    from django.utils.formats import number_format

    if figure is None or not figure.n:
        return mark_safe('<span class="muted">–</span>')
    return format_html('<strong>{} %</strong> <small class="muted">± {} · n = {}</small>',
                       number_format(figure.percent), number_format(figure.margin), figure.n)


@register.filter
def signed(value) -> str:
    from django.utils.formats import number_format

    if value is None:
        return "–"
    return ("+" if value > 0 else "") + number_format(value)


