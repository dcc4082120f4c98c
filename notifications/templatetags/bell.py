from django import template

from notifications.models import Notice

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_count(context) -> int:
    """The bell's number: one COUNT query per page, for a logged-in person."""
    user = context["request"].user
    if not user.is_authenticated:
        return 0
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()
