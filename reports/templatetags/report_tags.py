"""The official report's links on pages of the layers below (the period report page): insight
cannot import reports, so its template asks here, with the rule the report's views use."""

from django import template

from reports import pdf
from reports.access import can_edit_report, can_read_report

register = template.Library()


@register.inclusion_tag("reports/_period_links.html")
def official_report_links(period, user) -> dict:
    """The "Báo cáo" links a person may follow, none for those the views would refuse."""
    return {
        "period": period,
        "can_read": can_read_report(user),
        "can_edit": can_edit_report(user),
        "pdf_available": pdf.soffice() is not None,
    }
