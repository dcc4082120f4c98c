"""Pages of the PAR index: each view loads its object through index.access first."""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from index import access, results, services, sources, tables
from index.forms import (
    AppraisalForm,
    CampaignForm,
    CorrectionForm,
    CriteriaCopyForm,
    CriteriaImportForm,
    CriteriaSetForm,
    DecisionForm,
    EvidenceLinkForm,
    ExplanationForm,
    NodeForm,
    SelfAssessmentForm,
)
from index.models import Assessment, Campaign, CriteriaSet, Line, Node, Phase
from solutions.models import Assignment, ProgressEntry
from units.access import is_coordinator
from units.models import Membership

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


# --- Campaigns ----------------------------------------------------------------------------------


@require_safe
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = list(Campaign.objects.select_related("criteria_set")
                     .annotate(units=Count("assessments"),
                               submitted=Count("assessments",
                                               filter=Q(assessments__submitted_at__isnull=False))))
    own = {a.campaign_id: a for a in Assessment.objects.filter(
        unit__in=Membership.objects.filter(user=request.user).values("unit_id")
    ).select_related("unit")}
    for campaign in campaigns:
        campaign.own = own.get(campaign.pk)
    return render(request, "index/campaign_list.html", {
        "campaigns": campaigns, "can_manage": is_coordinator(request.user),
    })


@require_safe
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = access.get_campaign(request.user, pk)
    sees_all = access.sees_all_assessments(request.user)
    assessments = Assessment.objects.filter(campaign=campaign).select_related("unit")
    if not sees_all:
        assessments = assessments.filter(
            unit__in=Membership.objects.filter(user=request.user).values("unit_id"))
    assessments = assessments.annotate(
        appraised=Count("lines", filter=Q(lines__appraised_score__isnull=False)),
        explained=Count("lines", filter=~Q(lines__explanation="")),
        decided=Count("final_scores", filter=Q(final_scores__by_council=True), distinct=True),
    ).order_by("unit__code")
    reminded = None
    if is_coordinator(request.user):
        reminded = services.phase_reminder_recipients(campaign=campaign).count()
    return render(request, "index/campaign_detail.html", {
        "campaign": campaign, "assessments": assessments, "sees_all": sees_all,
        "can_manage": is_coordinator(request.user), "phases": Phase, "reminded": reminded,
        "next_phase": Phase(campaign.phase + 1).label if campaign.phase < Phase.PUBLISHED
        else None,
    })


def campaign_create(request: HttpRequest) -> HttpResponse:
    access.require_coordinator(request.user)
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_open(**form.cleaned_data)
        except services.RuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The campaign is open: %(n)s units assess themselves.")
                             % {"n": campaign.assessments.count()})
            return redirect(campaign)
    return render(request, "index/campaign_form.html", {"form": form})


@require_POST
def campaign_advance(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = access.get_campaign(request.user, pk, for_write=True)
    try:
        expected = int(request.POST.get("phase", ""))
    except ValueError:
        expected = campaign.phase
    try:
        campaign = services.campaign_advance(campaign=campaign, user=request.user,
                                             expected_phase=expected)
    except services.RuleError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The campaign is now in “%(phase)s”.")
                         % {"phase": campaign.get_phase_display()})
    return redirect(campaign)


@require_safe
def campaign_results(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = access.get_campaign(request.user, pk, results=True)
    return render(request, "index/campaign_results.html", {
        "campaign": campaign, "summary": results.summary(campaign),
    })


@require_safe
def campaign_summary_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = access.get_campaign(request.user, pk, results=True)
    name = f"chi-so-cchc-{campaign.criteria_set.year}-{campaign.criteria_set.unit_kind}"
    return _xlsx(tables.write_summary(results.summary(campaign)), name)


# --- Criteria sets ------------------------------------------------------------------------------


@require_safe
def criteria_set_list(request: HttpRequest) -> HttpResponse:
    sets = CriteriaSet.objects.annotate(
        components=Count("nodes", filter=Q(nodes__level=Node.Level.COMPONENT)),
        criteria=Count("nodes", filter=Q(nodes__level=Node.Level.CRITERION)),
        areas=Count("nodes", filter=Q(nodes__level=Node.Level.AREA)),
    ).order_by("-year", "unit_kind")
    return render(request, "index/criteriaset_list.html", {
        "sets": sets, "can_manage": is_coordinator(request.user)})


@require_safe
def criteria_set_detail(request: HttpRequest, pk: int) -> HttpResponse:
    criteria_set = access.get_criteria_set(request.user, pk)
    nodes = list(criteria_set.nodes.order_by("position"))
    total = sum((n.max_points for n in nodes if n.is_component), 0)
    return render(request, "index/criteriaset_detail.html", {
        "criteria_set": criteria_set, "nodes": nodes, "total": total,
        "exempt": criteria_set.exempt_units.all(), "can_manage": is_coordinator(request.user),
        "copy_form": CriteriaCopyForm(source=criteria_set),
        "edit_state": criteria_set.edit_state(),
    })


def criteria_set_import(request: HttpRequest) -> HttpResponse:
    access.require_coordinator(request.user)
    form = CriteriaImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            areas = tables.read_criteria(data["file"])
            criteria_set = services.criteria_set_create(
                year=data["year"], unit_kind=data["unit_kind"], name=data["name"],
                document=data["document"], total_points=data["total_points"], areas=areas)
        except tables.TableError as error:
            errors = error.errors
        except services.RuleError as error:
            errors = [str(error)]
        else:
            messages.success(request, _("The criteria set is imported."))
            return redirect(criteria_set)
    return render(request, "index/criteriaset_import.html", {"form": form, "errors": errors})


@require_safe
def criteria_set_export(request: HttpRequest, pk: int) -> HttpResponse:
    criteria_set = access.get_criteria_set(request.user, pk)
    return _xlsx(tables.write_criteria(criteria_set),
                 f"bo-tieu-chi-{criteria_set.year}-{criteria_set.unit_kind}")


@require_POST
def criteria_set_copy(request: HttpRequest, pk: int) -> HttpResponse:
    source = access.get_criteria_set(request.user, pk, for_write=True)
    form = CriteriaCopyForm(request.POST, source=source)
    if form.is_valid():
        try:
            copy = services.criteria_set_copy(source=source, year=form.cleaned_data["year"])
        except services.RuleError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Copied as the set for %(year)s.") % {"year": copy.year})
            return redirect(copy)
    else:
        messages.error(request, " ".join(form.errors.get("year", [])))
    return redirect(source)


# --- The criteria editor -----------------------------------------------------------------------


@dataclass
class EditorRow:
    node: Node
    children_sum: Decimal | None  # the maxima of the lines right under it (areas, criteria)
    first: bool
    last: bool

    @property
    def differs(self) -> bool:
        return self.children_sum is not None and self.children_sum != self.node.max_points


def _editor_rows(nodes: list[Node]) -> list[EditorRow]:
    sums: dict[int, Decimal] = {}
    siblings: dict[int | None, list[int]] = {}
    for node in nodes:
        siblings.setdefault(node.parent_id, []).append(node.pk)
        if node.parent_id is not None:
            sums[node.parent_id] = sums.get(node.parent_id, Decimal(0)) + node.max_points
    return [EditorRow(node, None if node.is_component else sums.get(node.pk, Decimal(0)),
                      siblings[node.parent_id][0] == node.pk,
                      siblings[node.parent_id][-1] == node.pk) for node in nodes]


def _to_editor(criteria_set: CriteriaSet, node_pk: int | None = None):
    url = reverse("index:criteria-set-edit", args=[criteria_set.pk])
    return redirect(f"{url}#node-{node_pk}" if node_pk else url)


def criteria_set_create(request: HttpRequest) -> HttpResponse:
    """A new, empty set, filled in line by line in the editor."""
    access.require_coordinator(request.user)
    form = CriteriaSetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            criteria_set = services.criteria_set_new(**{
                name: form.cleaned_data[name] for name in form.fields})
        except services.RuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The criteria set is created: add its areas, criteria "
                                        "and components."))
            return _to_editor(criteria_set)
    return render(request, "index/criteriaset_form.html", {"form": form})


def criteria_set_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The editor: the set's own fields, and its tree with the running total of maxima."""
    criteria_set = access.get_criteria_set_for_edit(request.user, pk)
    wording_only = criteria_set.state == CriteriaSet.EditState.WORDING
    form = CriteriaSetForm(request.POST or None, instance=criteria_set,
                           wording_only=wording_only)
    if request.method == "POST" and form.is_valid():
        fields = {n: v for n, v in form.cleaned_data.items() if n != "exempt_units"}
        try:
            services.criteria_set_update(criteria_set=criteria_set, fields=fields,
                                         exempt_units=form.cleaned_data.get("exempt_units"))
        except services.RuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The criteria set is saved."))
            return _to_editor(criteria_set)
    criteria_set.refresh_from_db()
    nodes = list(criteria_set.nodes.order_by("position"))
    total = sum((n.max_points for n in nodes if n.is_component), Decimal(0))
    return render(request, "index/criteriaset_edit.html", {
        "criteria_set": criteria_set, "form": form, "rows": _editor_rows(nodes),
        "total": total, "problems": services.check_tree(services.tree_of(criteria_set),
                                                        criteria_set.total_points),
        "wording_only": wording_only,
    })


def _parent(criteria_set: CriteriaSet, request: HttpRequest) -> Node | None:
    raw = request.POST.get("parent") or request.GET.get("parent") or ""
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    return get_object_or_404(Node, pk=int(raw), criteria_set=criteria_set,
                             level__in=[Node.Level.AREA, Node.Level.CRITERION])


def node_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A new line: an area (no parent), a criterion under an area, a component under a
    criterion; it goes last among its siblings."""
    criteria_set = access.get_criteria_set_for_edit(request.user, pk, structure=True)
    parent = _parent(criteria_set, request)
    level = services.CHILD_LEVEL[parent.level if parent else None]
    form = NodeForm(request.POST or None, level=level)
    if request.method == "POST" and form.is_valid():
        try:
            node = services.node_add(criteria_set=criteria_set, parent=parent,
                                     fields=form.cleaned_data)
        except services.RuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Line %(number)s is added.") % {"number": node.number})
            return _to_editor(criteria_set, node.pk)
    return render(request, "index/node_form.html", {
        "criteria_set": criteria_set, "form": form, "parent": parent, "node": None,
        "level": Node.Level(level).label})


def node_edit(request: HttpRequest, pk: int, node_pk: int) -> HttpResponse:
    node = access.get_node_for_edit(request.user, pk, node_pk)
    criteria_set = node.criteria_set
    form = NodeForm(request.POST or None, level=node.level, initial=NodeForm.initial_of(node),
                    wording_only=criteria_set.state == CriteriaSet.EditState.WORDING)
    if request.method == "POST" and form.is_valid():
        try:
            services.node_update(node=node, fields=form.cleaned_data)
        except services.RuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Line %(number)s is saved.") % {"number": node.number})
            return _to_editor(criteria_set, node.pk)
    return render(request, "index/node_form.html", {
        "criteria_set": criteria_set, "form": form, "parent": node.parent, "node": node,
        "level": node.get_level_display()})


@require_POST
def node_move(request: HttpRequest, pk: int, node_pk: int) -> HttpResponse:
    node = access.get_node_for_edit(request.user, pk, node_pk, structure=True)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        messages.error(request, _("Choose up or down."))
        return _to_editor(node.criteria_set, node.pk)
    try:
        moved = services.node_move(node=node, direction=direction)
    except services.RuleError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Line “%(content)s” is now %(number)s.") % {
            "content": moved.content[:60], "number": moved.number})
    return _to_editor(node.criteria_set, node.pk)


def node_delete(request: HttpRequest, pk: int, node_pk: int) -> HttpResponse:
    node = access.get_node_for_edit(request.user, pk, node_pk, structure=True)
    if request.method == "POST":
        try:
            count = services.node_delete(node=node)
        except services.RuleError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("%(count)s lines deleted.") % {"count": count})
        return _to_editor(node.criteria_set)
    below = Node.objects.filter(Q(parent=node) | Q(parent__parent=node)).count()
    return render(request, "index/node_confirm_delete.html", {
        "criteria_set": node.criteria_set, "node": node, "below": below})


# --- Assessments --------------------------------------------------------------------------------


def _actions(user, assessment: Assessment) -> dict[str, bool]:
    return {name: access.may(user, assessment, name, assessment.viewer_role)
            for name in access.ACTIONS}


@require_safe
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = access.get_assessment(request.user, pk)
    detail = results.detail(assessment)
    # The unit sees the appraisers' scores (and their history) once it may explain them.
    show_appraised = (access.sees_all_assessments(request.user)
                      or assessment.campaign.phase >= Phase.EXPLANATION)
    for item in detail.items:
        if item.line is not None:
            item.history = [e for e in item.line.entries.all()
                            if show_appraised or e.phase == Phase.SELF]
    return render(request, "index/assessment_detail.html", {
        "assessment": assessment, "campaign": assessment.campaign, "detail": detail,
        "actions": _actions(request.user, assessment), "phases": Phase,
        "chart_width": results.CHART_WIDTH,
        "show_appraised": show_appraised,
    })


@require_safe
def assessment_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = access.get_assessment(request.user, pk)
    detail = results.detail(assessment, with_history=False)
    return _xlsx(tables.write_detail(detail),
                 f"chi-so-cchc-{assessment.campaign.criteria_set.year}-{assessment.unit.code}")


def _lines_page(request, assessment, form, template: str, **extra) -> HttpResponse:
    return render(request, template, {
        "assessment": assessment, "campaign": assessment.campaign, "form": form,
        "rows": list(form.rows()), **extra})


def _components(assessment: Assessment, *, where: Q | None = None) -> list[results.Item]:
    lines = (Line.objects.filter(assessment=assessment).select_related("node__area")
             .prefetch_related("evidence__progress_entry", "evidence__assignment__task")
             .order_by("node__position"))
    if where is not None:
        lines = lines.filter(where)
    return [results.Item(line.node, line) for line in lines]


def assessment_self(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = access.get_assessment(request.user, pk, action="self")
    items = _components(assessment)
    year = assessment.campaign.criteria_set.year
    computed = {}
    for item in items:
        if item.node.method == Node.Method.COMPUTED:
            result = sources.compute(item.node, assessment.unit, year)
            if result is not None:
                computed[item.node.pk] = item.computed = result
    form = SelfAssessmentForm(request.POST or None, request.FILES or None, items=items,
                              computed=computed)
    if request.method == "POST":
        if form.is_valid():
            inputs = {
                item.node.pk: services.SelfInput(
                    score=form.value("score", item.node.pk),
                    value=form.value("value", item.node.pk),
                    note=form.value("note", item.node.pk) or "",
                    reason=form.value("reason", item.node.pk) or "",
                    file=form.value("file", item.node.pk),
                ) for item in items
            }
            try:
                changed = services.assessment_save_self(assessment=assessment,
                                                        user=request.user, inputs=inputs)
            except services.RuleError as error:
                messages.error(request, str(error))
                return redirect(assessment)
            messages.success(request, _("Saved: %(n)s lines changed.") % {"n": changed})
            return redirect("index:assessment-self", pk=assessment.pk)
        messages.error(request, _("Nothing was saved: correct the lines marked below."))
    return _lines_page(request, assessment, form, "index/assessment_self.html",
                       can_submit=access.may(request.user, assessment, "submit",
                                             assessment.viewer_role))


@require_POST
def assessment_submit(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = access.get_assessment(request.user, pk, action="submit", again=True)
    try:
        services.assessment_submit(assessment=assessment, user=request.user)
    except services.RuleError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The self-assessment is submitted to the appraisal team."))
    return redirect(assessment)


def assessment_appraise(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = access.get_assessment(request.user, pk, action="appraise")
    form = AppraisalForm(request.POST or None, items=_components(assessment))
    if request.method == "POST":
        if form.is_valid():
            inputs = {item.node.pk: services.AppraisalInput(
                score=form.value("score", item.node.pk),
                comment=form.value("comment", item.node.pk) or "",
                evidence_missing=bool(form.value("missing", item.node.pk)),
            ) for item in form.items}
            try:
                changed = services.assessment_appraise(assessment=assessment,
                                                       user=request.user, inputs=inputs)
            except services.RuleError as error:
                messages.error(request, str(error))
                return redirect(assessment)
            messages.success(request, _("Appraisal saved: %(n)s lines changed.") % {"n": changed})
            return redirect(assessment)
        messages.error(request, _("Nothing was saved: correct the lines marked below."))
    return _lines_page(request, assessment, form, "index/assessment_appraise.html")


def assessment_explain(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = access.get_assessment(request.user, pk, action="explain")
    form = ExplanationForm(request.POST or None, items=_components(assessment))
    if request.method == "POST":
        if form.is_valid():
            inputs = {item.node.pk: services.ExplanationInput(
                explanation=form.value("explain", item.node.pk) or "",
                proposed_score=form.value("proposed", item.node.pk),
            ) for item in form.items}
            try:
                changed = services.assessment_explain(assessment=assessment,
                                                      user=request.user, inputs=inputs)
            except services.RuleError as error:
                messages.error(request, str(error))
                return redirect(assessment)
            messages.success(request, _("Explanations saved: %(n)s lines.") % {"n": changed})
            return redirect(assessment)
        messages.error(request, _("Nothing was saved: correct the lines marked below."))
    return _lines_page(request, assessment, form, "index/assessment_explain.html")


def assessment_decide(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = access.get_assessment(request.user, pk, action="decide")
    items = _components(assessment, where=~Q(explanation="")
                        & ~Q(node_id__in=assessment.final_scores.values("node_id")))
    form = DecisionForm(request.POST or None, items=items)
    if request.method == "POST":
        if form.is_valid():
            inputs = {item.node.pk: services.DecisionInput(
                score=form.value("final", item.node.pk),
                reason=form.value("reason", item.node.pk))
                for item in items if form.value("final", item.node.pk) is not None}
            try:
                services.assessment_decide(assessment=assessment, user=request.user,
                                           inputs=inputs)
            except services.RuleError as error:
                messages.error(request, str(error))
                return redirect(assessment)
            messages.success(request, _("The council's decisions are recorded: %(n)s lines.")
                             % {"n": len(inputs)})
            return redirect(assessment)
        messages.error(request, _("Nothing was saved: correct the lines marked below."))
    return _lines_page(request, assessment, form, "index/assessment_decide.html")


def line_correct(request: HttpRequest, pk: int, node_pk: int) -> HttpResponse:
    """A coordinator corrects a decided line's final score: a new, reasoned row."""
    assessment = access.get_assessment(request.user, pk, action="correct")
    line = get_object_or_404(Line.objects.select_related("node"), assessment=assessment,
                             node_id=node_pk, final__isnull=False)
    current, latest = services.effective_final(line)
    form = CorrectionForm(request.POST or None, node=line.node,
                          initial={"expected": latest.pk if latest else None})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.correction_record(line=line, user=request.user, score=data["score"],
                                       reason=data["reason"],
                                       document_number=data["document_number"],
                                       expected=data["expected"])
        except services.RuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Line %(number)s corrected: %(old)s → %(new)s.") % {
                "number": line.node.number, "old": results.fixed2(current),
                "new": results.fixed2(data["score"])})
            return redirect(f"{assessment.get_absolute_url()}#line-{line.node_id}")
    return render(request, "index/correction_form.html", {
        "assessment": assessment, "campaign": assessment.campaign, "line": line, "form": form,
        "current": current,
        "corrections": line.corrections.select_related("corrected_by").order_by("pk"),
    })


def line_evidence(request: HttpRequest, pk: int, node_pk: int) -> HttpResponse:
    """Link evidence the portal holds already to one line (during self-assessment)."""
    assessment = access.get_assessment(request.user, pk, action="self")
    line = get_object_or_404(Line.objects.select_related("node"), assessment=assessment,
                             node_id=node_pk)
    year = assessment.campaign.criteria_set.year
    assignments = (Assignment.objects.filter(unit=assessment.unit, task__plan__year=year)
                   .select_related("task").order_by("task__code"))
    entries = (ProgressEntry.objects.filter(assignment__in=assignments).exclude(evidence="")
               .select_related("assignment__task").order_by("-reported_at")[:200])
    form = EvidenceLinkForm(request.POST or None, entries=entries, assignments=assignments)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.evidence_link(
                line=line, user=request.user,
                progress_entry=next((e for e in entries if e.pk == data["progress_entry"]), None),
                assignment=next((a for a in assignments if a.pk == data["assignment"]), None),
                document_number=data["document_number"])
        except services.RuleError as error:
            messages.error(request, str(error))
            return redirect(assessment)
        messages.success(request, _("The evidence is linked to line %(number)s.")
                         % {"number": line.node.number})
        return redirect("index:assessment-self", pk=assessment.pk)
    return render(request, "index/line_evidence.html", {
        "assessment": assessment, "line": line, "form": form,
        "evidence": line.evidence.select_related("progress_entry", "assignment__task")})


@require_safe
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    evidence = access.get_evidence(request.user, pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True,
                        filename=evidence.file_name or slugify(str(evidence.pk)))
