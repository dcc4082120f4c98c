"""The official periodic PAR report (báo cáo định kỳ): what the coordinator writes around the
figures, kept with the period and its history.

The figures themselves are never stored here: they are read from the period's frozen snapshot
(or computed for an open period, marked as a draft) by reports/figures.py.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from plans.models import Plan, ReportingPeriod

# Every text of the report is bounded: a pasted 1 MB text gets a form error, never a 500.
TEXT_MAX = 20_000
LINE_MAX = 200


class ReportSetting(models.Model):
    """Who issues a plan's reports and who signs them: data, kept per plan, changed in admin.

    A new narrative starts from these (the agency, the number's suffix, the place, the signer,
    the recipients); the coordinator may still change them on one report.
    """

    plan = models.OneToOneField(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="report_setting"
    )
    agency = models.CharField(
        _("issuing agency"), max_length=LINE_MAX, default="UBND TỈNH NGHỆ AN",
        help_text=_("As printed at the top left, e.g. UBND TỈNH NGHỆ AN or SỞ NỘI VỤ."),
    )
    parent_agency = models.CharField(
        _("governing agency"), max_length=LINE_MAX, blank=True,
        help_text=_("The line above the agency, e.g. UBND TỈNH NGHỆ AN above SỞ NỘI VỤ."),
    )
    number_suffix = models.CharField(_("number suffix"), max_length=40, default="BC-UBND")
    place = models.CharField(_("place"), max_length=LINE_MAX, default="Nghệ An")
    signer_title = models.CharField(
        _("signer's title"), max_length=LINE_MAX,
        default="TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
    )
    signer_name = models.CharField(_("signer's name"), max_length=LINE_MAX, blank=True)
    recipients = models.TextField(
        _("recipients"), max_length=TEXT_MAX,
        default="- Bộ Nội vụ;\n- TT Tỉnh ủy, TT HĐND tỉnh;\n- Chủ tịch, các PCT UBND tỉnh;\n"
                "- Các sở, ban, ngành cấp tỉnh;\n- UBND các xã, phường;\n- Lưu: VT, SNV.",
    )

    class Meta:
        verbose_name = _("report setting")
        verbose_name_plural = _("report settings")

    def __str__(self):
        return str(self.plan)

    @classmethod
    def for_plan(cls, plan: Plan) -> "ReportSetting":
        setting, _created = cls.objects.get_or_create(plan=plan)
        return setting


class PeriodNarrative(models.Model):
    """The words of a period's official report: sections I, III, IV and V, the number, the date,
    the recipients and the signature. Section II is the figures, built from the snapshot."""

    period = models.OneToOneField(
        ReportingPeriod, verbose_name=_("period"), on_delete=models.CASCADE,
        related_name="narrative",
    )
    agency = models.CharField(_("issuing agency"), max_length=LINE_MAX)
    parent_agency = models.CharField(_("governing agency"), max_length=LINE_MAX, blank=True)
    number = models.CharField(
        _("number"), max_length=40, blank=True,
        help_text=_("The number given by the records office; left blank it prints as “...”."),
    )
    number_suffix = models.CharField(_("number suffix"), max_length=40)
    place = models.CharField(_("place"), max_length=LINE_MAX)
    issued_on = models.DateField(
        _("date"), null=True, blank=True,
        help_text=_("Left blank it prints as “ngày ... tháng ... năm ...”."),
    )
    direction = models.TextField(
        _("I. Direction and management"), max_length=TEXT_MAX, blank=True
    )
    assessment = models.TextField(
        _("III. General assessment"), max_length=TEXT_MAX, blank=True,
        help_text=_("Shortcomings, limitations and their causes."),
    )
    next_tasks = models.TextField(
        _("IV. Key tasks for the next period"), max_length=TEXT_MAX, blank=True
    )
    proposals = models.TextField(
        _("V. Proposals and recommendations"), max_length=TEXT_MAX, blank=True
    )
    recipients = models.TextField(_("recipients"), max_length=TEXT_MAX, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=LINE_MAX, blank=True)
    signer_name = models.CharField(_("signer's name"), max_length=LINE_MAX, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    history = HistoricalRecords()

    SECTIONS = ("direction", "assessment", "next_tasks", "proposals")

    class Meta:
        verbose_name = _("report narrative")
        verbose_name_plural = _("report narratives")

    def __str__(self):
        return str(self.period)
