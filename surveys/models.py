"""Citizens' satisfaction surveys (khảo sát mức độ hài lòng, SIPAS structure).

How answers are stored, and why: a campaign at national scale collects 660,000 responses, each
with some 40 answered items. One row per answered item would be 26 million rows a campaign, and a
province's results page would aggregate them on every view. Instead:

- Response: one row per filled form, its answers as JSON (the record, for exports and rebuilds),
  plus the few columns a query filters on (overall satisfaction, the land/construction/investment
  flag) and the duplicate-control hashes.
- UnitTally: a count per (campaign, unit, item, value), incremented in the same transaction as the
  response (one upsert statement). A unit's page reads its ~200 rows.
- CampaignTally: the same counts for the whole campaign, spread over BUCKETS rows per item so that
  concurrent submissions do not all queue on one row lock. The province's page reads ~1,700 rows.
Both tallies can be rebuilt from the responses (services.campaign_rebuild_tallies), and tests
hold them equal.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

BUCKETS = 8  # CampaignTally rows per (item, value): spreads row locks of concurrent submissions
SATISFIED_FROM = 4  # "Hài lòng" (4) and "Rất hài lòng" (5) count as satisfied
LAND_SUFFIX = "@DD"  # the overall item among land, construction and investment procedures
RESPONSES_ITEM = "N"  # one count per response, whatever was answered
RESERVED_CODES = {"quan-ly", "s"}  # campaign codes that would shadow the survey's own URLs

SCALE = [
    (1, _("Very dissatisfied")),
    (2, _("Dissatisfied")),
    (3, _("Neutral")),
    (4, _("Satisfied")),
    (5, _("Very satisfied")),
]
EXPECTATION_SCALE = [
    (1, _("Very low")),
    (2, _("Low")),
    (3, _("Medium")),
    (4, _("High")),
    (5, _("Very high")),
]


def _bilingual(vi: str, en: str) -> str:
    return en if (get_language() or "vi").startswith("en") and en else vi


class Questionnaire(models.Model):
    """A questionnaire version (bảng hỏi). Frozen once a campaign using it has an answer."""

    name = models.CharField(_("name"), max_length=200)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    based_on = models.ForeignKey(
        "self", verbose_name=_("based on"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="versions",
    )
    intro_vi = models.TextField(_("instructions (Vietnamese)"), max_length=2000, blank=True)
    intro_en = models.TextField(_("instructions (English)"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"],
                                    name="questionnaire_unique_name_version"),
        ]

    def __str__(self):
        return f"{self.name} (v{self.version})"

    @property
    def intro(self) -> str:
        return _bilingual(self.intro_vi, self.intro_en)

    def has_answers(self) -> bool:
        return Response.objects.filter(campaign__questionnaire=self).exists()


class Factor(models.Model):
    """One of the five SIPAS factors (yếu tố), e.g. access to the service."""

    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.CASCADE,
        related_name="factors",
    )
    position = models.PositiveSmallIntegerField(_("position"))
    code = models.CharField(_("code"), max_length=4)
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("factor")
        verbose_name_plural = _("factors")
        ordering = ["questionnaire", "position"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"],
                                    name="factor_unique_questionnaire_code"),
        ]

    def __str__(self):
        return f"{self.code}. {self.title}"

    @property
    def title(self) -> str:
        return _bilingual(self.title_vi, self.title_en)


class Question(models.Model):
    class Kind(models.TextChoices):
        CRITERION = "criterion", _("Criterion (satisfaction scale)")
        FACTOR_SATISFACTION = "factor_satisfaction", _("Satisfaction with the factor")
        EXPECTATION = "expectation", _("Expectation for the factor")
        OVERALL = "overall", _("Overall satisfaction")
        PROCEDURE = "procedure", _("Procedure used (one choice)")
        CHOICE = "choice", _("One choice")
        MULTIPLE = "multiple", _("Several choices")

    SCALED = {Kind.CRITERION, Kind.FACTOR_SATISFACTION, Kind.EXPECTATION, Kind.OVERALL}
    IN_FACTOR = {Kind.CRITERION, Kind.FACTOR_SATISFACTION, Kind.EXPECTATION}

    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.CASCADE,
        related_name="questions",
    )
    factor = models.ForeignKey(
        Factor, verbose_name=_("factor"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="questions",
    )
    position = models.PositiveSmallIntegerField(_("position"))
    code = models.CharField(_("code"), max_length=12)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    text_vi = models.CharField(_("text (Vietnamese)"), max_length=500)
    text_en = models.CharField(_("text (English)"), max_length=500, blank=True)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["questionnaire", "position"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"],
                                    name="question_unique_questionnaire_code"),
            models.CheckConstraint(
                name="question_factor_iff_factor_kind",
                condition=(Q(kind__in=["criterion", "factor_satisfaction", "expectation"])
                           & Q(factor__isnull=False))
                | (~Q(kind__in=["criterion", "factor_satisfaction", "expectation"])
                   & Q(factor__isnull=True)),
            ),
        ]

    def __str__(self):
        return f"{self.code}. {self.text}"

    @property
    def text(self) -> str:
        return _bilingual(self.text_vi, self.text_en)

    @property
    def is_scaled(self) -> bool:
        return self.kind in self.SCALED

    def scale(self):
        return EXPECTATION_SCALE if self.kind == self.Kind.EXPECTATION else SCALE


class Option(models.Model):
    """A choice of a procedure, profile or several-choices question; its tally value is its
    position."""

    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="options"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    label_vi = models.CharField(_("label (Vietnamese)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200, blank=True)
    land_sector = models.BooleanField(
        _("land, construction or investment"), default=False,
        help_text=_("Procedures of these sectors have their own target (85%)."),
    )

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["question", "position"]
        constraints = [
            models.UniqueConstraint(fields=["question", "position"],
                                    name="option_unique_question_position"),
            models.CheckConstraint(name="option_position_positive", condition=Q(position__gte=1)),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return _bilingual(self.label_vi, self.label_en)


class CampaignQuerySet(models.QuerySet):
    def for_user(self, user):
        """Coordinators and leaders see every campaign; staff those that cover their units."""
        from units.access import can_read_all
        from units.models import Membership

        if can_read_all(user):
            return self
        return self.filter(
            campaign_units__unit__in=Membership.objects.filter(user=user).values("unit_id")
        ).distinct()


def _new_salt() -> str:
    return secrets.token_hex(16)


class Campaign(models.Model):
    """A survey campaign (đợt khảo sát), e.g. the first six months of 2026."""

    code = models.SlugField(
        _("code"), max_length=30, unique=True,
        help_text=_("Short, in the form's address, e.g. 2026-h1."),
    )
    title = models.CharField(_("title"), max_length=300)
    start_date = models.DateField(_("opens on"))
    end_date = models.DateField(_("closes on"))
    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.PROTECT,
        related_name="campaigns",
    )
    units = models.ManyToManyField(
        "units.Unit", verbose_name=_("units covered"), through="CampaignUnit",
        related_name="survey_campaigns",
    )
    period = models.ForeignKey(
        "plans.ReportingPeriod", verbose_name=_("reporting period fed"),
        on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
    )
    overall_indicator = models.ForeignKey(
        "plans.Indicator", verbose_name=_("satisfaction indicator fed"),
        on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
    )
    land_indicator = models.ForeignKey(
        "plans.Indicator",
        verbose_name=_("land, construction and investment indicator fed"),
        on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
    )
    target = models.DecimalField(_("target (%)"), max_digits=5, decimal_places=2, default=90)
    land_target = models.DecimalField(
        _("target for land, construction and investment (%)"), max_digits=5, decimal_places=2,
        default=85,
    )
    # Salt of the address hashes (duplicate control): emptied, with the hashes, once it ends.
    salt = models.CharField(max_length=64, blank=True, default=_new_salt, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("closed by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey campaign")
        verbose_name_plural = _("survey campaigns")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(name="survey_campaign_dates_ordered",
                                   condition=Q(end_date__gte=F("start_date"))),
            models.CheckConstraint(
                name="campaign_targets_are_percentages",
                condition=Q(target__gte=0, target__lte=100, land_target__gte=0,
                            land_target__lte=100),
            ),
            models.CheckConstraint(
                name="campaign_code_not_reserved", condition=~Q(code__in=sorted(RESERVED_CODES))
            ),
            models.CheckConstraint(
                name="campaign_closed_by_whom",
                condition=Q(closed_at__isnull=True) | Q(closed_by__isnull=False),
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.code in RESERVED_CODES:
            raise ValidationError({"code": _("This code is reserved; choose another one.")})

    def is_open(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.closed_at is None and self.start_date <= on <= self.end_date

    def previous(self):
        """The campaign that ended last before this one started (for the comparison)."""
        return (Campaign.objects.filter(end_date__lt=self.start_date)
                .order_by("-end_date", "-pk").first())


class CampaignUnit(models.Model):
    """A unit covered by a campaign, with the short code of its poster's address."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE,
        related_name="campaign_units",
    )
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    short_code = models.CharField(_("short code"), max_length=12, unique=True)

    class Meta:
        verbose_name = _("unit covered")
        verbose_name_plural = _("units covered")
        ordering = ["campaign", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"],
                                    name="campaign_unit_unique"),
        ]

    def __str__(self):
        return f"{self.campaign} · {self.unit}"


class Response(models.Model):
    """One filled form (phiếu). No name, phone or identity number is asked or kept."""

    class Channel(models.TextChoices):
        WEB = "web", _("Phone or computer")
        KIOSK = "kiosk", _("Kiosk at the counter")
        PAPER = "paper", _("Paper form")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="responses"
    )
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel)
    submitted_at = models.DateTimeField(_("received at"), default=timezone.now)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    answers = models.JSONField(_("answers"))
    overall = models.PositiveSmallIntegerField(_("overall satisfaction"), null=True, blank=True)
    land_sector = models.BooleanField(_("land, construction or investment"), default=False)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    # sha256(campaign salt + address): duplicate control while the campaign runs, then erased.
    address_hash = models.CharField(max_length=64, null=True, blank=True, editable=False)
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True,
                                  editable=False)
    content_hash = models.CharField(max_length=32, blank=True, editable=False)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            models.Index(fields=["campaign", "unit", "submitted_at"],
                         name="response_campaign_unit"),
            models.Index(fields=["campaign", "address_hash"], name="response_address",
                         condition=Q(address_hash__isnull=False)),
        ]
        constraints = [
            models.CheckConstraint(name="response_overall_on_scale",
                                   condition=Q(overall__isnull=True)
                                   | Q(overall__gte=1, overall__lte=5)),
            models.CheckConstraint(
                name="response_paper_entered_by",
                condition=~Q(channel="paper") | Q(entered_by__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.campaign} · {self.unit} · {self.pk}"


class UnitTally(models.Model):
    """How many responses of a unit gave an item a value (a scale level or an option)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    item = models.CharField(max_length=20)
    value = models.SmallIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("unit tally")
        verbose_name_plural = _("unit tallies")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit", "item", "value"],
                                    name="unit_tally_key"),
        ]
        # The province's page reads one item (overall satisfaction) of every unit: with the
        # counts in the index, PostgreSQL answers from the index alone.
        indexes = [models.Index(fields=["campaign", "item", "unit", "value", "count"],
                                name="unit_tally_item")]


class CampaignTally(models.Model):
    """The campaign's counts, in BUCKETS rows per (item, value): sum them."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    bucket = models.PositiveSmallIntegerField()
    item = models.CharField(max_length=20)
    value = models.SmallIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("campaign tally")
        verbose_name_plural = _("campaign tallies")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "bucket", "item", "value"],
                                    name="campaign_tally_key"),
            models.CheckConstraint(name="campaign_tally_bucket_range",
                                   condition=Q(bucket__lt=BUCKETS)),
        ]


class Refusal(models.Model):
    """Submissions refused, counted by day and reason: nothing refused goes unrecorded."""

    class Reason(models.TextChoices):
        UNKNOWN_FORM = "unknown_form", _("Unknown campaign or unit")
        CLOSED = "closed", _("Campaign not open")
        INVALID = "invalid", _("Invalid answers")
        EXPIRED = "expired", _("Form expired or altered")
        HONEYPOT = "honeypot", _("Hidden field filled (robot)")
        RATE_LIMITED = "rate_limited", _("Too many submissions")
        DUPLICATE = "duplicate", _("Duplicate")

    day = models.DateField(_("day"))
    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE,
                                 null=True, blank=True, related_name="refusals")
    unit = models.ForeignKey("units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT,
                             null=True, blank=True, related_name="+")
    reason = models.CharField(_("reason"), max_length=20, choices=Reason)
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("refused submissions")
        verbose_name_plural = _("refused submissions")
        ordering = ["-day", "reason"]
        constraints = [
            models.UniqueConstraint(Coalesce("campaign", 0), Coalesce("unit", 0), "day",
                                    "reason", name="refusal_unique_day_reason"),
        ]

    def __str__(self):
        return f"{self.day} · {self.get_reason_display()}: {self.count}"
