"""Every write of the surveys: questionnaires, campaigns, responses, tallies, the plan's feed.

Views, the admin, the demo and the commands call these.
"""

import datetime
import hashlib
import secrets
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from plans.models import IndicatorValue
from surveys import sipas
from surveys.models import (
    BUCKETS,
    LAND_SUFFIX,
    RESPONSES_ITEM,
    Campaign,
    CampaignTally,
    CampaignUnit,
    Factor,
    Option,
    Question,
    Questionnaire,
    Refusal,
    Response,
    UnitTally,
)

# --- Questionnaires -----------------------------------------------------------------------------


def questionnaire_from_spec(*, spec: dict, version: int = 1,
                            based_on: Questionnaire | None = None) -> Questionnaire:
    with transaction.atomic():
        questionnaire = Questionnaire.objects.create(
            name=spec["name"], version=version, based_on=based_on,
            intro_vi=spec.get("intro_vi", ""), intro_en=spec.get("intro_en", ""),
        )
        factors = {
            f["code"]: Factor.objects.create(questionnaire=questionnaire, **f)
            for f in spec["factors"]
        }
        for q in spec["questions"]:
            fields = {k: v for k, v in q.items() if k not in ("factor", "options")}
            question = Question.objects.create(
                questionnaire=questionnaire, factor=factors.get(q.get("factor")), **fields
            )
            Option.objects.bulk_create([
                Option(question=question, position=n, **o)
                for n, o in enumerate(q.get("options", []), start=1)
            ])
    return questionnaire


def questionnaire_default() -> Questionnaire:
    """The SIPAS template's first version, created once."""
    existing = Questionnaire.objects.filter(name=sipas.NAME).order_by("version").first()
    return existing or questionnaire_from_spec(spec=sipas.spec())


def questionnaire_spec(questionnaire: Questionnaire) -> dict:
    questions = (questionnaire.questions.select_related("factor")
                 .prefetch_related("options").order_by("position"))
    return {
        "name": questionnaire.name, "intro_vi": questionnaire.intro_vi,
        "intro_en": questionnaire.intro_en,
        "factors": [{"code": f.code, "position": f.position, "title_vi": f.title_vi,
                     "title_en": f.title_en} for f in questionnaire.factors.all()],
        "questions": [{
            "code": q.code, "kind": q.kind, "position": q.position, "text_vi": q.text_vi,
            "text_en": q.text_en, "required": q.required,
            **({"factor": q.factor.code} if q.factor else {}),
            "options": [{"label_vi": o.label_vi, "label_en": o.label_en,
                         "land_sector": o.land_sector} for o in q.options.all()],
        } for q in questions],
    }


def questionnaire_new_version(*, questionnaire: Questionnaire) -> Questionnaire:
    """A copy to edit, numbered after the newest version of the same name."""
    with transaction.atomic():
        newest = (Questionnaire.objects.select_for_update()
                  .filter(name=questionnaire.name).order_by("-version").first())
        return questionnaire_from_spec(spec=questionnaire_spec(questionnaire),
                                       version=newest.version + 1, based_on=questionnaire)


def _refuse_if_answered(questionnaire: Questionnaire) -> None:
    if questionnaire.has_answers():
        raise ValidationError(
            _("This questionnaire already has answers: it can no longer change. "
              "Make a new version instead."), code="answered")


def questionnaire_update(*, questionnaire: Questionnaire, intro: dict, questions: dict,
                         factors: dict) -> None:
    """New texts (and required flags) for a questionnaire that has no answer yet.

    questions: {pk: {"text_vi", "text_en", "required"}}; factors: {pk: {"title_vi", "title_en"}}.
    The database refuses the change too once answers exist (migration 0002's triggers).
    """
    with transaction.atomic():
        locked = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
        _refuse_if_answered(locked)
        Questionnaire.objects.filter(pk=locked.pk).update(**intro)
        for question in locked.questions.filter(pk__in=list(questions)):
            for name, value in questions[question.pk].items():
                setattr(question, name, value)
            question.save()
        for factor in locked.factors.filter(pk__in=list(factors)):
            for name, value in factors[factor.pk].items():
                setattr(factor, name, value)
            factor.save()


# --- Campaigns ---------------------------------------------------------------------------------


def _short_code() -> str:
    # Unambiguous letters and digits, easy to type from a poster (no 0/O, 1/l/I).
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(6))


def campaign_set_units(*, campaign: Campaign, units: Iterable) -> int:
    """Cover these units (each gets its short code); units with answers are kept. Returns how
    many were added."""
    wanted = {u.pk for u in units}
    with transaction.atomic():
        Campaign.objects.select_for_update().get(pk=campaign.pk)
        have = set(CampaignUnit.objects.filter(campaign=campaign).values_list("unit_id", flat=True))
        answered = set(Response.objects.filter(campaign=campaign).values_list("unit_id", flat=True)
                       .distinct())
        CampaignUnit.objects.filter(campaign=campaign).exclude(
            unit_id__in=wanted | answered).delete()
        new = [CampaignUnit(campaign=campaign, unit_id=pk, short_code=_short_code())
               for pk in sorted(wanted - have)]
        for attempt in range(5):
            try:
                with transaction.atomic():
                    CampaignUnit.objects.bulk_create(new)
                break
            except IntegrityError:  # a short code taken: draw again
                for cu in new:
                    cu.short_code = _short_code()
                if attempt == 4:
                    raise
    return len(new)


def _refuse_questionnaire_change(campaign: Campaign, questionnaire_id: int | None) -> None:
    if (campaign.pk and questionnaire_id is not None
            and Campaign.objects.filter(pk=campaign.pk).exclude(
                questionnaire_id=questionnaire_id).exists()
            and campaign.responses.exists()):
        raise ValidationError(
            _("This campaign already has answers: its questionnaire can no longer change."),
            code="answered")


def campaign_save(*, campaign: Campaign, units: Iterable | None = None) -> Campaign:
    """Create or change a campaign (its questionnaire cannot change once it has answers)."""
    with transaction.atomic():
        if campaign.pk:
            Campaign.objects.select_for_update().get(pk=campaign.pk)
        _refuse_questionnaire_change(campaign, campaign.questionnaire_id)
        campaign.full_clean(exclude=["units"])
        campaign.save()
        if units is not None:
            campaign_set_units(campaign=campaign, units=units)
    return campaign


# --- Answers -----------------------------------------------------------------------------------


def address_hash(campaign: Campaign, address: str | None) -> str | None:
    """The address, hashed with the campaign's salt; None once the salt is gone."""
    if not address or not campaign.salt:
        return None
    return hashlib.sha256(f"{campaign.salt}|{address}".encode()).hexdigest()


def content_hash(answers: dict, comment: str) -> str:
    text = repr(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in answers.items()))
    return hashlib.sha256(f"{text}|{comment.strip()}".encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Schema:
    """A questionnaire's questions, read once per request (two queries)."""

    questionnaire: Questionnaire
    questions: list[Question]

    @classmethod
    def of(cls, questionnaire: Questionnaire) -> "Schema":
        questions = list(questionnaire.questions.select_related("factor")
                         .prefetch_related("options").order_by("position"))
        return cls(questionnaire=questionnaire, questions=questions)

    def land_positions(self) -> set[int]:
        return {o.position for q in self.questions if q.kind == Question.Kind.PROCEDURE
                for o in q.options.all() if o.land_sector}


def tally_items(schema: Schema, answers: dict) -> list[tuple[str, int]]:
    """The (item, value) pairs one response adds 1 to: one per scale answer and per chosen option
    (several choices count once per option, never as a combination)."""
    items = [(RESPONSES_ITEM, 0)]
    land = _is_land(schema, answers)
    for question in schema.questions:
        value = answers.get(question.code)
        if value is None or value == []:
            continue
        if question.kind == Question.Kind.MULTIPLE:
            items.extend((question.code, int(v)) for v in sorted(set(value)))
        else:
            items.append((question.code, int(value)))
            if question.kind == Question.Kind.OVERALL and land:
                items.append((question.code + LAND_SUFFIX, int(value)))
    return items


def _is_land(schema: Schema, answers: dict) -> bool:
    positions = schema.land_positions()
    return any(answers.get(q.code) in positions for q in schema.questions
               if q.kind == Question.Kind.PROCEDURE)


def _overall(schema: Schema, answers: dict) -> int | None:
    for q in schema.questions:
        if q.kind == Question.Kind.OVERALL and answers.get(q.code) is not None:
            return int(answers[q.code])
    return None


def _add_to_tallies(campaign_id: int, rows: Counter) -> None:
    """rows: {(unit_id, bucket, item, value): n}. Two upserts, in key order so that concurrent
    submissions take the row locks in the same order (no deadlock)."""
    unit_rows = Counter()
    campaign_rows = Counter()
    for (unit_id, bucket, item, value), n in rows.items():
        unit_rows[(unit_id, item, value)] += n
        campaign_rows[(bucket, item, value)] += n
    unit_table = connection.ops.quote_name(UnitTally._meta.db_table)
    campaign_table = connection.ops.quote_name(CampaignTally._meta.db_table)
    with connection.cursor() as cursor:
        for table, key, values in (
            (unit_table, "unit_id", sorted(unit_rows.items())),
            (campaign_table, "bucket", sorted(campaign_rows.items())),
        ):
            for start in range(0, len(values), 500):
                chunk = values[start:start + 500]
                # The ORM's bulk upsert can only set a column to the inserted value, not add it.
                cursor.execute(
                    f"INSERT INTO {table} (campaign_id, {key}, item, value, count) VALUES "
                    + ", ".join(["(%s, %s, %s, %s, %s)"] * len(chunk))
                    + f" ON CONFLICT (campaign_id, {key}, item, value) DO UPDATE"
                    f" SET count = {table}.count + excluded.count",
                    [p for (k, item, value), n in chunk for p in (campaign_id, k, item, value, n)],
                )


class Duplicate(Exception):
    """The same form sent twice (its token was used), or the same answers from the same address
    within the duplicate window."""


def response_submit(
    *, campaign: Campaign, unit, schema: Schema, answers: dict, comment: str = "",
    channel: str = Response.Channel.WEB, address: str | None = None, token: str | None = None,
    duplicate_window: datetime.timedelta | None = None,
) -> Response:
    """Store one response and add it to the tallies, together or not at all."""
    hashed = address_hash(campaign, address)
    content = content_hash(answers, comment)
    token_hash = hashlib.sha256(token.encode()).hexdigest() if token else None
    now = timezone.now()
    if hashed and duplicate_window and Response.objects.filter(
            campaign=campaign, unit=unit, address_hash=hashed, content_hash=content,
            submitted_at__gte=now - duplicate_window).exists():
        raise Duplicate
    try:
        with transaction.atomic():
            response = Response.objects.create(
                campaign=campaign, unit=unit, channel=channel, submitted_at=now,
                answers=answers, overall=_overall(schema, answers),
                land_sector=_is_land(schema, answers), comment=comment.strip(),
                address_hash=hashed, token_hash=token_hash, content_hash=content,
            )
            bucket = response.pk % BUCKETS
            _add_to_tallies(campaign.pk, Counter(
                {(unit.pk, bucket, item, value): 1 for item, value in tally_items(schema, answers)}
            ))
    except IntegrityError as error:
        if token_hash and Response.objects.filter(token_hash=token_hash).exists():
            raise Duplicate from error
        raise
    return response


def responses_enter_paper(*, campaign: Campaign, unit, schema: Schema, rows: list[dict],
                          user) -> list[Response]:
    """Paper forms typed in by the unit's staff: rows [{"answers": {...}, "comment": ""}]."""
    now = timezone.now()
    with transaction.atomic():
        Campaign.objects.select_for_update().get(pk=campaign.pk)  # closing waits for us
        if Campaign.objects.filter(pk=campaign.pk, closed_at__isnull=False).exists():
            raise ValidationError(_("This campaign is closed."), code="closed")
        responses = Response.objects.bulk_create([
            Response(campaign=campaign, unit=unit, channel=Response.Channel.PAPER,
                     submitted_at=now, entered_by=user, answers=row["answers"],
                     overall=_overall(schema, row["answers"]),
                     land_sector=_is_land(schema, row["answers"]),
                     comment=row.get("comment", "").strip(),
                     content_hash=content_hash(row["answers"], row.get("comment", "")))
            for row in rows
        ])
        counts = Counter()
        for n, (response, row) in enumerate(zip(responses, rows, strict=True)):
            bucket = (response.pk or n) % BUCKETS
            for item, value in tally_items(schema, row["answers"]):
                counts[(unit.pk, bucket, item, value)] += 1
        _add_to_tallies(campaign.pk, counts)
    return responses


def refusal_count(*, reason: str, campaign: Campaign | None = None, unit=None) -> None:
    """Count a refused submission (an UPDATE, or the day's first INSERT)."""
    day = timezone.localdate()
    key = {"day": day, "reason": reason, "campaign": campaign, "unit": unit}
    if Refusal.objects.filter(**key).update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            Refusal.objects.create(count=1, **key)
    except IntegrityError:  # another request created the day's row meanwhile
        Refusal.objects.filter(**key).update(count=F("count") + 1)


def campaign_rebuild_tallies(*, campaign: Campaign) -> int:
    """Count the tallies again from the responses (after an import or a repair)."""
    schema = Schema.of(campaign.questionnaire)
    with transaction.atomic():
        Campaign.objects.select_for_update().get(pk=campaign.pk)
        UnitTally.objects.filter(campaign=campaign).delete()
        CampaignTally.objects.filter(campaign=campaign).delete()
        counts = Counter()
        n = 0
        for pk, unit_id, answers in (Response.objects.filter(campaign=campaign)
                                     .values_list("pk", "unit_id", "answers")
                                     .iterator(chunk_size=5000)):
            n += 1
            for item, value in tally_items(schema, answers):
                counts[(unit_id, pk % BUCKETS, item, value)] += 1
        _add_to_tallies(campaign.pk, counts)
    return n


# --- Closing, the plan's indicators, purging addresses ----------------------------------------


def campaign_purge_addresses(*, campaign: Campaign) -> int:
    """Erase the address hashes and the salt that made them: no address can be matched again."""
    with transaction.atomic():
        Campaign.objects.filter(pk=campaign.pk).update(salt="")
        erased = (Response.objects.filter(campaign=campaign, address_hash__isnull=False)
                  .update(address_hash=None))
    campaign.salt = ""
    return erased


def purge_ended_campaigns(*, today: datetime.date | None = None, dry_run: bool = False) -> dict:
    """Every campaign that has ended (or was closed) loses its address hashes."""
    today = today or timezone.localdate()
    from django.db.models import Q

    ended = Campaign.objects.filter(Q(end_date__lt=today) | Q(closed_at__isnull=False))
    result = {}
    for campaign in ended:
        pending = Response.objects.filter(campaign=campaign, address_hash__isnull=False).count()
        if pending or campaign.salt:
            result[campaign.code] = pending if dry_run else campaign_purge_addresses(
                campaign=campaign)
    return result


def _note(campaign: Campaign, count: int) -> str:
    with translation.override("vi"):
        return _("%(title)s: %(count)s answers") % {
            "title": campaign.title, "count": formats.number_format(count, force_grouping=True),
        }


def campaign_feed_indicators(*, campaign: Campaign, user) -> list[IndicatorValue]:
    """Write the campaign's satisfaction into the plan's indicators for its reporting period,
    with the survey named as the source. A closed period's figures are frozen: refused."""
    from surveys.results import campaign_counts, share

    period = campaign.period
    if period is None:
        return []
    if period.is_closed:
        raise ValidationError(
            _("The reporting period %(period)s is closed: its figures are frozen.")
            % {"period": period}, code="period_closed")
    counts = campaign_counts(campaign)
    overall_code = (campaign.questionnaire.questions.filter(kind=Question.Kind.OVERALL)
                    .values_list("code", flat=True).first())
    written = []
    if overall_code is None:
        return written
    with transaction.atomic():
        for indicator, item in ((campaign.overall_indicator, overall_code),
                                (campaign.land_indicator, overall_code + LAND_SUFFIX)):
            if indicator is None or indicator.plan_id != period.plan_id:
                continue
            figure = share(counts.get(item, {}))
            if figure.n == 0:
                continue
            value, _created = IndicatorValue.objects.update_or_create(
                indicator=indicator, period=period,
                defaults={"actual": figure.percent, "note": _note(campaign, figure.n)[:300],
                          "entered_by": user},
            )
            written.append(value)
    return written


def campaign_close(*, campaign: Campaign, user) -> list[IndicatorValue]:
    """Close the campaign: no more answers, the addresses erased, the plan fed."""
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.closed_at is not None:
            raise ValidationError(_("This campaign is already closed."), code="closed")
        locked.closed_at, locked.closed_by = timezone.now(), user
        locked.save(update_fields=["closed_at", "closed_by"])
        campaign_purge_addresses(campaign=locked)
        campaign.closed_at, campaign.closed_by, campaign.salt = locked.closed_at, user, ""
        try:
            with transaction.atomic():
                return campaign_feed_indicators(campaign=locked, user=user)
        except ValidationError:
            return []  # a frozen period keeps its figures; the campaign still closes


def campaign_recompute(*, campaign: Campaign, user) -> list[IndicatorValue]:
    """Write the plan's indicators again from the answers so far."""
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        return campaign_feed_indicators(campaign=locked, user=user)



