"""The criteria editor: coordinators (and administrators) build a set line by line: its areas,
criteria and components with every field, reorder them up and down, delete them; the running
total of maxima says when they differ from the set's total, and such a set cannot open a
campaign. A set whose campaign is in self-assessment takes wording only; past it, nothing."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from index import services, tables
from index.forms import CampaignForm
from index.models import Campaign, CriteriaSet, Node, Phase
from tests.conftest import _client_for
from tests.index_world import advance, make_set, open_campaign
from tests.factories import UnitFactory
from units.models import Unit

D = Decimal
LEVELS = {"content": "Mức độ cụ thể của kế hoạch", "max_points": "20", "method": "levels",
          "levels": "0; 10; 20", "lower_bound": "0", "upper_bound": "100"}


def _new_set(client, **extra) -> CriteriaSet:
    response = client.post(reverse("index:criteria-set-create"), {
        "year": "2027", "unit_kind": "provincial", "name": "Bộ chỉ số CCHC các sở năm 2027",
        "document": "Quyết định số 3323/QĐ-UBND", "total_points": "100", "threshold_a": "90",
        "threshold_b": "80", "threshold_c": "70", "rescale_exempt": "on", **extra})
    assert response.status_code == 302, response.content.decode()[:2000]
    criteria_set = CriteriaSet.objects.get(year=2027, unit_kind="provincial")
    assert response["Location"] == reverse("index:criteria-set-edit", args=[criteria_set.pk])
    return criteria_set


def _add(client, criteria_set, parent=None, **data) -> Node:
    before = set(criteria_set.nodes.values_list("pk", flat=True))
    response = client.post(reverse("index:node-create", args=[criteria_set.pk]),
                           {**({"parent": parent.pk} if parent else {}), **data})
    assert response.status_code == 302, response.content.decode()[:3000]
    return criteria_set.nodes.exclude(pk__in=before).get()


def _tree(criteria_set) -> list[tuple[str, str, str]]:
    return [(n.number, n.level, n.content) for n in criteria_set.nodes.order_by("position")]


@pytest.fixture
def built(as_coordinator):
    """I (60) > 1 (60) > 1.1 yes/no 40 (evidence) · 1.2 levels 20; II (40) > 2 (40) > 2.1
    computed 40 (procedures only)."""
    criteria_set = _new_set(as_coordinator)
    area = _add(as_coordinator, criteria_set, content="Công tác chỉ đạo, điều hành",
                max_points="60")
    criterion = _add(as_coordinator, criteria_set, area, content="Kế hoạch CCHC",
                     max_points="60")
    _add(as_coordinator, criteria_set, criterion, content="Ban hành kế hoạch đúng hạn",
         max_points="40", method="yes_no", evidence_required="on", lower_bound="0",
         upper_bound="100")
    _add(as_coordinator, criteria_set, criterion, **LEVELS)
    area2 = _add(as_coordinator, criteria_set, content="Cải cách thủ tục hành chính",
                 max_points="40")
    criterion2 = _add(as_coordinator, criteria_set, area2, content="Giải quyết TTHC",
                      max_points="40")
    _add(as_coordinator, criteria_set, criterion2, content="Nhiệm vụ đúng hạn trên Cổng",
         max_points="40", method="computed", source="tasks_on_time", lower_bound="50",
         upper_bound="100", procedures_only="on")
    return criteria_set


def test_a_set_is_built_line_by_line_with_every_field(built):
    assert _tree(built) == [
        ("I", "area", "Công tác chỉ đạo, điều hành"), ("1", "criterion", "Kế hoạch CCHC"),
        ("1.1", "component", "Ban hành kế hoạch đúng hạn"),
        ("1.2", "component", "Mức độ cụ thể của kế hoạch"),
        ("II", "area", "Cải cách thủ tục hành chính"), ("2", "criterion", "Giải quyết TTHC"),
        ("2.1", "component", "Nhiệm vụ đúng hạn trên Cổng")]
    nodes = {n.number: n for n in built.nodes.all()}
    assert nodes["1.1"].evidence_required and nodes["1.1"].method == "yes_no"
    assert nodes["1.2"].level_values() == [D("0"), D("10"), D("20")]
    assert (nodes["2.1"].source, nodes["2.1"].lower_bound, nodes["2.1"].procedures_only) == (
        "tasks_on_time", D("50"), True)
    assert nodes["2.1"].area == nodes["II"] and nodes["1.2"].parent == nodes["1"]
    assert services.check_tree(services.tree_of(built), built.total_points) == []
    # The export reads back as the same tree (the official table's shape)
    specs = tables.read_criteria(io.BytesIO(tables.write_criteria(built)))
    assert services.check_tree(specs, D("100")) == []
    assert [c.number for c in specs[0].children[0].children] == ["1.1", "1.2"]


def test_the_editor_shows_the_running_total_and_says_when_it_differs(built, as_coordinator):
    url = reverse("index:criteria-set-edit", args=[built.pk])
    response = as_coordinator.get(url)
    assert response.context["total"] == D("100") and response.context["problems"] == []
    assert "editor-total--differs" not in response.content.decode()
    node = built.nodes.get(number="1.2")
    response = as_coordinator.post(reverse("index:node-edit", args=[built.pk, node.pk]),
                                   {**LEVELS, "max_points": "25", "levels": "0; 25"})
    assert response.status_code == 302
    response = as_coordinator.get(url)
    assert "editor-total--differs" in response.content.decode()
    assert response.context["total"] == D("105")
    # criterion 1 (60, its components 65) and the set's total (105, not 100)
    assert len(response.context["problems"]) == 2
    assert [r.node.number for r in response.context["rows"] if r.differs] == ["1"]


def test_a_set_whose_maxima_differ_cannot_open_a_campaign(built, as_coordinator):
    node = built.nodes.get(number="1.2")
    as_coordinator.post(reverse("index:node-edit", args=[built.pk, node.pk]),
                        {**LEVELS, "max_points": "10", "levels": "0; 10"})
    data = {"criteria_set": built.pk, "self_until": "15/01/2028",
            "appraisal_until": "15/02/2028", "explanation_until": "28/02/2028",
            "council_until": "10/03/2028"}
    form = CampaignForm(data)
    assert not form.is_valid() and "criteria_set" in form.errors
    response = as_coordinator.post(reverse("index:campaign-create"), data)
    assert response.status_code == 200 and not Campaign.objects.exists()
    assert len(response.context["form"].errors["criteria_set"]) == 3  # the why and 2 sums
    # The database refuses it too
    with pytest.raises(IntegrityError), transaction.atomic():
        Campaign.objects.create(criteria_set=built, **{
            k: datetime.date(2028, 1, 15) for k in ("self_until", "appraisal_until",
                                                    "explanation_until", "council_until")})


def test_moving_a_line_moves_its_lines_and_renumbers(built, as_coordinator):
    area2 = built.nodes.get(number="II")
    response = as_coordinator.post(reverse("index:node-move", args=[built.pk, area2.pk]),
                                   {"direction": "up"})
    assert response.status_code == 302
    assert [n for n, _l, _c in _tree(built)] == ["I", "1", "1.1", "II", "2", "2.1", "2.2"]
    assert _tree(built)[0][2] == "Cải cách thủ tục hành chính"
    assert _tree(built)[2][2] == "Nhiệm vụ đúng hạn trên Cổng"
    component = built.nodes.get(content="Mức độ cụ thể của kế hoạch")
    as_coordinator.post(reverse("index:node-move", args=[built.pk, component.pk]),
                        {"direction": "up"})
    assert [c for _n, _l, c in _tree(built)][4:] == [
        "Kế hoạch CCHC", "Mức độ cụ thể của kế hoạch", "Ban hành kế hoạch đúng hạn"]
    # The first cannot move up: a message, nothing changes
    first = built.nodes.get(number="I")
    before = _tree(built)
    response = as_coordinator.post(reverse("index:node-move", args=[built.pk, first.pk]),
                                   {"direction": "up"}, follow=True)
    assert _tree(built) == before and response.status_code == 200


def test_deleting_a_criterion_deletes_its_components(built, as_coordinator):
    criterion = built.nodes.get(number="1")
    url = reverse("index:node-delete", args=[built.pk, criterion.pk])
    assert as_coordinator.get(url).context["below"] == 2
    assert as_coordinator.post(url).status_code == 302
    assert [n for n, _l, _c in _tree(built)] == ["I", "II", "1", "1.1"]


@pytest.mark.parametrize("data, field", [
    ({"levels": "0; 10; 30"}, "levels"),            # a level above the maximum
    ({"levels": "không; mười"}, "levels"),          # text
    ({"levels": "20"}, "levels"),                   # one level only
    ({"method": "formula", "lower_bound": "100", "upper_bound": "50"}, "upper_bound"),
    ({"method": "computed", "source": ""}, "source"),
    ({"method": "computed", "source": "indicator", "source_param": ""}, "source_param"),
    ({"method": "gì đó"}, "method"),
    ({"max_points": "-1"}, "max_points"),
    ({"max_points": "hai mươi"}, "max_points"),
    ({"max_points": "2000"}, "max_points"),
    ({"content": ""}, "content"),
    ({"content": "x" * 1_000_000}, "content"),
])
def test_bad_lines_are_form_errors_and_store_nothing(built, as_coordinator, data, field):
    criterion = built.nodes.get(number="1")
    before = _tree(built)
    response = as_coordinator.post(reverse("index:node-create", args=[built.pk]),
                                   {"parent": criterion.pk, **LEVELS, **data})
    assert response.status_code == 200
    assert field in response.context["form"].errors, response.context["form"].errors
    assert _tree(built) == before


def test_exempt_units_and_procedure_lines_shape_the_campaign(built, as_coordinator):
    exempt = UnitFactory(code="SNV", kind=Unit.Kind.PROVINCIAL)
    scored = UnitFactory(code="STP", kind=Unit.Kind.PROVINCIAL)
    UnitFactory(code="VINH", kind=Unit.Kind.DISTRICT)  # not of the set's group: not offered
    url = reverse("index:criteria-set-edit", args=[built.pk])
    form = as_coordinator.get(url).context["form"]
    assert set(form.fields["exempt_units"].queryset) == {exempt, scored}
    response = as_coordinator.post(url, {
        "name": built.name, "document": built.document, "total_points": "100",
        "threshold_a": "85", "threshold_b": "75", "threshold_c": "60", "rescale_exempt": "on",
        "exempt_units": [exempt.pk]})
    assert response.status_code == 302
    built.refresh_from_db()
    assert built.threshold_a == D("85") and list(built.exempt_units.all()) == [exempt]
    campaign = open_campaign(built, [exempt, scored])
    totals = dict(campaign.assessments.values_list("unit__code", "max_total"))
    assert totals == {"SNV": D("60"), "STP": D("100")}


def test_the_sets_thresholds_must_be_ordered(built, as_coordinator):
    response = as_coordinator.post(reverse("index:criteria-set-edit", args=[built.pk]), {
        "name": built.name, "total_points": "100", "threshold_a": "70", "threshold_b": "80",
        "threshold_c": "60"})
    assert response.status_code == 200 and response.context["form"].errors
    built.refresh_from_db()
    assert built.threshold_a == D("90")


@pytest.fixture
def in_self_assessment(unit_a):
    criteria_set = make_set(year=2025)
    return open_campaign(criteria_set, [unit_a])


def test_while_units_assess_themselves_only_the_wording_changes(in_self_assessment,
                                                                 as_coordinator):
    criteria_set = in_self_assessment.criteria_set
    node = criteria_set.nodes.get(number="1.2")
    url = reverse("index:node-edit", args=[criteria_set.pk, node.pk])
    form = as_coordinator.get(url).context["form"]
    assert list(form.fields) == ["content"]
    response = as_coordinator.post(url, {"content": "Mức độ cụ thể (sửa lời văn)",
                                         "max_points": "30"})
    assert response.status_code == 302
    node.refresh_from_db()
    assert (node.content, node.max_points) == ("Mức độ cụ thể (sửa lời văn)", D("20"))
    for name, method in (("node-create", "get"), ("node-delete", "get"),
                         ("node-move", "post")):
        args = [criteria_set.pk] if name == "node-create" else [criteria_set.pk, node.pk]
        assert getattr(as_coordinator, method)(reverse(f"index:{name}", args=args),
                                               {"direction": "up"}).status_code == 403
    page = as_coordinator.get(reverse("index:criteria-set-edit", args=[criteria_set.pk]))
    assert list(page.context["form"].fields) == ["name", "document"]
    # The services refuse it as well, and the database beneath them
    with pytest.raises(services.RuleError):
        services.node_update(node=node, fields={"max_points": D("30")})
    with pytest.raises(IntegrityError), transaction.atomic():
        Node.objects.filter(pk=node.pk).update(max_points=D("30"))


def test_past_self_assessment_the_set_cannot_be_changed(in_self_assessment, as_coordinator,
                                                        coordinator):
    campaign = advance(in_self_assessment, coordinator, Phase.APPRAISAL)
    criteria_set = campaign.criteria_set
    node = criteria_set.nodes.get(number="1.2")
    assert as_coordinator.get(reverse("index:criteria-set-edit",
                                      args=[criteria_set.pk])).status_code == 403
    assert as_coordinator.post(reverse("index:node-edit", args=[criteria_set.pk, node.pk]),
                               {"content": "Sửa"}).status_code == 403
    page = as_coordinator.get(criteria_set.get_absolute_url()).content.decode()
    assert reverse("index:criteria-set-edit", args=[criteria_set.pk]) not in page
    with pytest.raises(IntegrityError), transaction.atomic():
        Node.objects.filter(pk=node.pk).update(content="Sửa")


@pytest.mark.parametrize("who", ["staff_a", "head_a", "leader", "staff_b"])
def test_only_coordinators_and_admins_edit(request, built, who):
    client = _client_for(request.getfixturevalue(who))
    node = built.nodes.get(number="1.2")
    for url in (reverse("index:criteria-set-create"),
                reverse("index:criteria-set-edit", args=[built.pk]),
                reverse("index:node-create", args=[built.pk]),
                reverse("index:node-edit", args=[built.pk, node.pk]),
                reverse("index:node-delete", args=[built.pk, node.pk])):
        assert client.get(url).status_code == 403, url
        assert client.post(url, LEVELS).status_code == 403, url
    before = _tree(built)
    assert client.post(reverse("index:node-move", args=[built.pk, node.pk]),
                       {"direction": "up"}).status_code == 403
    assert _tree(built) == before


def test_an_admin_edits_too(built, as_admin):
    node = built.nodes.get(number="1.1")
    response = as_admin.post(reverse("index:node-edit", args=[built.pk, node.pk]), {
        "content": "Ban hành kế hoạch CCHC đúng hạn", "max_points": "40", "method": "yes_no"})
    assert response.status_code == 302
    node.refresh_from_db()
    assert node.content == "Ban hành kế hoạch CCHC đúng hạn" and not node.evidence_required


def test_the_database_holds_the_lines_rules(built):
    area = built.nodes.get(number="I")
    criterion = built.nodes.get(number="1")
    common = dict(criteria_set=built, position=99, max_points=D("1"), content="x")
    for bad in ({"number": "9.1", "level": "component", "method": "levels", "levels": "",
                 "parent": criterion, "area": area},
                {"number": "9.2", "level": "component", "method": "computed", "source": "",
                 "parent": criterion, "area": area},
                {"number": "9", "level": "criterion", "parent": None, "area": None},
                {"number": "IX", "level": "area", "parent": criterion, "area": area}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Node.objects.create(**common, **bad)


def test_the_admin_shows_the_lines_of_a_set_in_use_read_only(in_self_assessment, built,
                                                             as_admin):
    used = as_admin.get(reverse("admin:index_criteriaset_change",
                                args=[in_self_assessment.criteria_set_id]))
    free = as_admin.get(reverse("admin:index_criteriaset_change", args=[built.pk]))
    assert used.status_code == free.status_code == 200
    assert 'name="nodes-0-max_points"' not in used.content.decode()
    assert 'name="nodes-0-max_points"' in free.content.decode()
