from django import template
from django.utils import timezone

from solutions import access
from solutions.forms import CommentForm, RemindForm
from units.access import is_coordinator

register = template.Library()


@register.simple_tag(takes_context=True)
def conversation(context, assignment) -> dict:
    """The conversation part of the assignment page: its comments (oldest first), its
    reminders, and the forms of whoever looks (a bound comment form after an error, which
    views.assignment_comment leaves on the request). Two queries."""
    request = context["request"]
    user = request.user
    reminders = list(assignment.reminders.select_related("sent_by"))
    today = timezone.localdate()
    return {
        "comments": assignment.comments.select_related("author"),
        "reminders": reminders,
        "reminded_today": any(r.sent_on == today for r in reminders),
        "can_comment": access.can_report(user, assignment),
        "comment_form": getattr(request, "comment_form", None) or CommentForm(),
        "can_remind": is_coordinator(user),
        "remind_form": RemindForm(),
    }
