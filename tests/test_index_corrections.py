"""Reasoned corrections of a decided line's final score (đính chính), after the council's
decision or after publication: a new row (the decided score stays), bounded like every score,
and the line's effective final score everywhere (totals, ranks, classes, the results page, the
summary XLSX, the unit's detail page and sheet).

Two units on the small set (tests/index_world.py), published:
        1.1  1.2  1.3  2.1  2.2   final   rank  class
  A      20   10   10   30    5    75       1     C
  B      20   10   10    0    5    45       2     D
Correcting B's 2.1 from 0 to 30 (yes/no) gives B 75: A and B share rank 1 (class C)."""

import io
import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from openpyxl import load_workbook

from index import results, services
from index.models import Assessment, Correction, FinalScore, Line, Phase, ScoreEntry
from tests.conftest import _client_for, _user
from tests.index_world import add_document, advance, make_set, open_campaign, score_self
from units.access import COORDINATORS_GROUP

D = Decimal


def _build(unit_a, unit_b, user, to_phase):
    campaign = open_campaign(make_set(), [unit_a, unit_b])
    for unit, procedures in ((unit_a, "30"), (unit_b, "0")):
        assessment = Assessment.objects.get(campaign=campaign, unit=unit)
        score_self(assessment, user, {"1.1": "20", "1.2": "10", "1.3": "10", "2.1": procedures,
                                      "2.2": "5"})
        add_document(assessment, user)
        services.assessment_submit(assessment=assessment, user=user)
    return advance(campaign, user, to_phase)


@pytest.fixture
def published(unit_a, unit_b, admin_user):
    return _build(unit_a, unit_b, admin_user, Phase.PUBLISHED), None


@pytest.fixture
def assessments(published, unit_a, unit_b):
    campaign, _ = published
    return {"a": Assessment.objects.get(campaign=campaign, unit=unit_a),
            "b": Assessment.objects.get(campaign=campaign, unit=unit_b)}


def _line(assessment, number="2.1") -> Line:
    return Line.objects.select_related("node").get(assessment=assessment, node__number=number)


def _url(assessment, number="2.1"):
    return reverse("index:line-correct", args=[assessment.pk, _line(assessment, number).node_id])


def _totals(campaign):
    return {a.unit.code: (a.final_total, a.rank, a.grade) for a in
            Assessment.objects.filter(campaign=campaign).with_totals().select_related("unit")}


def test_a_correction_is_a_new_row_and_moves_totals_ranks_and_classes(
        published, assessments, coordinator, unit_a, unit_b):
    campaign, _ = published
    b = assessments["b"]
    assert _totals(campaign) == {unit_a.code: (D("75.00"), 1, "C"),
                                 unit_b.code: (D("45.00"), 2, "D")}
    decided = FinalScore.objects.get(line=_line(b))
    correction = services.correction_record(
        line=_line(b), user=coordinator, score=D("30"), reason="Đơn vị đã công khai TTHC",
        document_number="Quyết định số 215/QĐ-UBND", expected=None)
    assert (correction.old_score, correction.score, correction.phase) == (
        D("0"), D("30"), Phase.PUBLISHED)
    assert correction.corrected_by == coordinator and correction.corrected_at
    # The decided row is as it was; the history has the change with its reason
    assert FinalScore.objects.get(pk=decided.pk).score == D("0")
    entry = ScoreEntry.objects.filter(line=_line(b)).latest("pk")
    assert (entry.old_score, entry.new_score, entry.comment) == (
        D("0"), D("30"), "Đơn vị đã công khai TTHC")
    # Ties share the rank
    assert _totals(campaign) == {unit_a.code: (D("75.00"), 1, "C"),
                                 unit_b.code: (D("75.00"), 1, "C")}
    summary = results.summary(campaign)
    row_b = next(r for r in summary.rows if r.unit == unit_b)
    area_ii = summary.areas[1]
    assert row_b.area_final[area_ii.pk] == D("35") and row_b.totals[2] == "75,00"
    assert [r.corrected for r in summary.rows if r.unit == unit_a] == [False] and row_b.corrected
    detail = results.detail(b)
    item = next(i for i in detail.items if i.node.number == "2.1")
    assert (item.decided, item.final, len(item.corrections)) == (D("0"), D("30"), 1)
    assert detail.totals.final_total == D("75.00")


def test_the_latest_of_several_corrections_counts(published, assessments, coordinator,
                                                  unit_b):
    campaign, _ = published
    line = _line(assessments["b"], "1.2")  # levels 0;10;20, decided 10
    first = services.correction_record(line=line, user=coordinator, score=D("20"),
                                       reason="Bổ sung phụ lục", expected=None)
    second = services.correction_record(line=line, user=coordinator, score=D("0"),
                                        reason="Phụ lục ban hành sau hạn", expected=first.pk)
    assert second.supersedes == first and second.old_score == D("20")
    assert _totals(campaign)[unit_b.code] == (D("35.00"), 2, "D")
    summary = results.summary(campaign)
    row_b = next(r for r in summary.rows if r.unit == unit_b)
    assert row_b.area_final[summary.areas[0].pk] == D("30")


def test_the_pages_and_exports_show_the_correction(published, assessments, coordinator,
                                                   unit_b):
    campaign, _ = published
    b = assessments["b"]
    client = _client_for(coordinator)
    response = client.post(_url(b), {"score": "30", "reason": "Đơn vị đã công khai TTHC",
                                      "document_number": "QĐ 215/QĐ-UBND"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#line-{_line(b).node_id}")
    page = client.get(b.get_absolute_url()).content.decode()
    assert "0,00 → 30,00" in page and "Đơn vị đã công khai TTHC" in page
    assert "QĐ 215/QĐ-UBND" in page
    results_page = client.get(reverse("index:campaign-results", args=[campaign.pk]))
    assert results_page.content.decode().count("75,00") >= 2
    sheet = load_workbook(io.BytesIO(client.get(
        reverse("index:campaign-summary-xlsx", args=[campaign.pk])).content)).active
    rows = {r[1]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[unit_b.code][0] == 1 and rows[unit_b.code][-2:] == (75, "C")
    detail = load_workbook(io.BytesIO(client.get(
        reverse("index:assessment-xlsx", args=[b.pk])).content)).active
    lines = {r[0]: r for r in detail.iter_rows(values_only=True) if r and r[0]}
    assert lines["2.1"][5] == 30 and "Đơn vị đã công khai TTHC" in lines["2.1"][8]


@pytest.mark.parametrize("data, message", [
    ({"score": "31", "reason": "x"}, "at most 30 points"),
    ({"score": "-1", "reason": "x"}, "cannot be negative"),
    ({"score": "15", "reason": "x"}, "must be one of 0; 30"),  # yes/no
    ({"score": "ba mươi", "reason": "x"}, "Enter a number"),
    ({"score": "30", "reason": ""}, "Say why the final score is corrected"),
    ({"score": "30", "reason": "   "}, "Say why the final score is corrected"),
    ({"score": "30", "reason": "x" * 1_000_000}, "at most 2000 characters"),
    ({"score": "", "reason": "x"}, "Give the corrected score"),
])
def test_bad_input_is_a_message_and_stores_nothing(published, assessments, coordinator,
                                                   settings, data, message):
    settings.LANGUAGE_CODE = "en"
    client = _client_for(coordinator)
    client.cookies["django_language"] = "en"
    response = client.post(_url(assessments["b"]), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Correction.objects.exists()


@pytest.mark.parametrize("who, status", [
    ("staff_a", 403), ("head_a", 403), ("staff_b", 403), ("leader", 403), ("coordinator", 200),
    ("admin_user", 200),
])
def test_only_coordinators_correct_after_publication(request, assessments, who, status):
    client = _client_for(request.getfixturevalue(who))
    url = _url(assessments["a"])
    assert client.get(url).status_code == status
    response = client.post(url, {"score": "0", "reason": "Sai sót"})
    assert response.status_code == (302 if status == 200 else status)
    assert Correction.objects.exists() == (status == 200)


@pytest.fixture
def council(unit_a, unit_b, admin_user):
    """The council phase: unit A disputed 1.2 and the council decided it; 1.3 undecided."""
    campaign = _build(unit_a, unit_b, admin_user, Phase.EXPLANATION)
    a = Assessment.objects.get(campaign=campaign, unit=unit_a)
    services.assessment_explain(assessment=a, user=admin_user, inputs={
        _line(a, "1.2").node_id: services.ExplanationInput("Có phụ lục", D("20"))})
    campaign = advance(campaign, admin_user, Phase.COUNCIL)
    services.assessment_decide(assessment=a, user=admin_user, inputs={
        _line(a, "1.2").node_id: services.DecisionInput(D("20"), "Chấp nhận")})
    return campaign, a


@pytest.mark.parametrize("who, status", [
    ("staff_a", 403), ("staff_b", 404), ("leader", 403), ("coordinator", 200),
])
def test_in_the_council_phase_outsiders_get_404(request, council, who, status):
    _campaign, a = council
    client = _client_for(request.getfixturevalue(who))
    assert client.get(_url(a, "1.2")).status_code == status


def test_a_line_the_council_has_not_decided_has_nothing_to_correct(council, coordinator):
    _campaign, a = council
    client = _client_for(coordinator)
    assert client.get(_url(a, "1.3")).status_code == 404
    response = client.post(_url(a, "1.2"), {"score": "10", "reason": "Hội đồng xem lại"})
    assert response.status_code == 302
    assert _line(a, "1.2").corrections.get().old_score == D("20")


def test_the_same_score_again_is_not_a_correction(published, assessments, coordinator):
    response = _client_for(coordinator).post(_url(assessments["b"]),
                                             {"score": "0", "reason": "Giữ nguyên"})
    assert response.status_code == 200
    assert len(response.context["form"].non_field_errors()) == 1
    assert not Correction.objects.exists()


def test_a_stale_form_is_a_message_not_a_second_correction(published, assessments,
                                                            coordinator):
    b = assessments["b"]
    client = _client_for(coordinator)
    form_page = client.get(_url(b))
    assert 'name="expected"' in form_page.content.decode()
    services.correction_record(line=_line(b), user=coordinator, score=D("30"),
                               reason="Người khác sửa trước", expected=None)
    # The second coordinator's form was loaded before: it still carries no correction
    response = client.post(_url(b), {"score": "0", "reason": "Giữ nguyên", "expected": ""})
    assert response.status_code == 200
    assert len(response.context["form"].non_field_errors()) == 1
    assert Correction.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_at_once_give_one_correction_and_a_message(unit_a, unit_b,
                                                                    admin_user):
    campaign = _build(unit_a, unit_b, admin_user, Phase.PUBLISHED)
    b = Assessment.objects.get(campaign=campaign, unit=unit_b)
    coordinators = [_user(f"coord{i}", groups=[COORDINATORS_GROUP]) for i in range(2)]
    line = _line(b)
    barrier = threading.Barrier(2)
    got = [None, None]

    def run(i):
        barrier.wait()
        try:
            got[i] = services.correction_record(line=line, user=coordinators[i], score=D("30"),
                                                reason=f"Đính chính {i}", expected=None)
        except services.RuleError as error:
            got[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(type(g).__name__ for g in got) == ["Correction", "RuleError"]
    assert Correction.objects.count() == 1


def test_the_database_refuses_a_bad_or_changed_correction(published, assessments,
                                                          coordinator):
    b = assessments["b"]
    line = _line(b)
    common = dict(line=line, assessment=b, node=line.node, area_id=line.node.area_id,
                  phase=Phase.PUBLISHED, reason="x", corrected_by=coordinator)
    for bad in ({"old_score": D("0"), "score": D("31")},   # above the maximum
                {"old_score": D("0"), "score": D("15")},   # not a yes/no value
                {"old_score": D("30"), "score": D("0")},   # old is not the final score
                {"old_score": D("0"), "score": D("30"), "reason": ""}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Correction.objects.create(**(common | bad))
    correction = Correction.objects.create(**common, old_score=D("0"), score=D("30"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Correction.objects.create(**common, old_score=D("0"), score=D("0"))  # a second first
    with pytest.raises(IntegrityError), transaction.atomic():
        Correction.objects.filter(pk=correction.pk).update(score=D("0"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Correction.objects.filter(pk=correction.pk).delete()
    # The line's corrected score follows the insert, and nothing else sets it
    assert Line.objects.get(pk=line.pk).corrected_score == D("30")
    with pytest.raises(IntegrityError), transaction.atomic():
        Line.objects.filter(pk=line.pk).update(corrected_score=D("0"))
