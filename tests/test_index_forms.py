"""The self-assessment form: a clear message per line for bad input, nothing stored; computed
lines prefilled with how they were computed, overridden only with a reason; evidence files
checked like progress evidence."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from index.models import Assessment, Evidence, Line, ScoreEntry
from tests.factories import AssignmentFactory, TaskFactory
from tests.index_world import make_set, node, open_campaign

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def campaign(unit_a, unit_b, today):
    return open_campaign(make_set(year=today.year), [unit_a, unit_b])


@pytest.fixture
def assessment(campaign, unit_a):
    return Assessment.objects.get(campaign=campaign, unit=unit_a)


def _url(assessment):
    return reverse("index:assessment-self", args=[assessment.pk])


def _stored():
    return (list(Line.objects.values_list("self_score", "self_note")),
            ScoreEntry.objects.count(), Evidence.objects.count())


def test_the_form_names_its_score_fields_by_component(as_staff_a, assessment, campaign):
    page = as_staff_a.get(_url(assessment)).text
    for number in ("1.1", "1.2", "1.3", "2.1", "2.2"):
        assert f'name="score-{node(campaign, number).pk}"' in page


@pytest.mark.parametrize("score, message", [
    ("25", "Line 1.1: at most 20 points."),
    ("-3", "Line 1.1: a score cannot be negative."),
    ("mười", "Enter a number"),
    ("10", "Line 1.1: the score must be one of 0; 20."),
    ("1" * 2000, "Enter a number"),
])
def test_a_bad_score_gets_a_message_on_its_line_and_nothing_is_stored(
        as_staff_a, assessment, campaign, score, message, settings):
    settings.LANGUAGE_CODE = "en"
    before = _stored()
    n1, n2 = node(campaign, "1.1"), node(campaign, "1.2")
    response = as_staff_a.post(_url(assessment), {
        f"score-{n1.pk}": score, f"score-{n2.pk}": "10", f"note-{n2.pk}": "Đạt"},
        headers={"accept-language": "en"})
    assert response.status_code == 200
    assert message in response.text
    assert _stored() == before


def test_a_50_mb_file_is_refused_with_a_message(as_staff_a, assessment, campaign):
    before = _stored()
    n = node(campaign, "1.1")
    big = SimpleUploadedFile("bien-ban.pdf", PDF + b"0" * (50 * 1024 * 1024),
                             content_type="application/pdf")
    response = as_staff_a.post(_url(assessment), {f"score-{n.pk}": "20", f"file-{n.pk}": big},
                               headers={"accept-language": "en"})
    assert response.status_code == 200
    assert "the limit is" in response.text
    assert _stored() == before


def test_a_file_that_is_no_document_is_refused(as_staff_a, assessment, campaign):
    n = node(campaign, "1.1")
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = as_staff_a.post(_url(assessment), {f"score-{n.pk}": "20", f"file-{n.pk}": fake},
                               headers={"accept-language": "en"})
    assert "This file type is not accepted" in response.text
    assert Evidence.objects.count() == 0


def test_valid_scores_notes_and_a_file_are_stored_with_history(as_staff_a, staff_a, assessment,
                                                              campaign):
    n1, n3 = node(campaign, "1.1"), node(campaign, "1.3")
    response = as_staff_a.post(_url(assessment), {
        f"score-{n1.pk}": "20", f"note-{n1.pk}": "Kế hoạch số 12/KH-STP",
        f"file-{n1.pk}": SimpleUploadedFile("ke-hoach.pdf", PDF, content_type="application/pdf"),
        f"value-{n3.pk}": "80",  # the formula: 50..100 -> 0..20, so 80% gives 12 points
    })
    assert response.status_code == 302
    lines = {line.node.number: line for line in assessment.lines.select_related("node")}
    assert lines["1.1"].self_score == Decimal("20")
    assert (lines["1.3"].self_value, lines["1.3"].self_score) == (Decimal("80"), Decimal("12"))
    evidence = Evidence.objects.get()
    assert evidence.file_name == "ke-hoach.pdf" and evidence.added_by == staff_a
    assert ScoreEntry.objects.filter(line__assessment=assessment).count() == 2
    download = as_staff_a.get(reverse("index:evidence-download", args=[evidence.pk]))
    assert b"".join(download.streaming_content) == PDF


def test_a_formula_score_that_disagrees_with_its_value_is_refused(as_staff_a, assessment,
                                                                 campaign):
    n3 = node(campaign, "1.3")
    response = as_staff_a.post(_url(assessment), {f"value-{n3.pk}": "80",
                                                  f"score-{n3.pk}": "20"},
                               headers={"accept-language": "en"})
    assert "by the formula, 80 gives 12 points" in response.text


@pytest.fixture
def computed_world(plan, unit_a, today):
    """Unit A: 4 lead assignments due already, 3 done on time: 75% -> 7.5 of 10 points."""
    past = today - datetime.timedelta(days=5)
    for i in range(4):
        task = TaskFactory(plan=plan, due_date=past)
        AssignmentFactory(task=task, unit=unit_a, latest_percent=100 if i < 3 else 40,
                          completed_on=past if i < 3 else None)


def test_a_computed_line_is_prefilled_and_shows_how(computed_world, as_staff_a, assessment,
                                                   campaign):
    page = as_staff_a.get(_url(assessment), headers={"accept-language": "en"}).text
    assert "75% → 7.5 of 10 points" in page
    n = node(campaign, "2.2")
    assert f'name="score-{n.pk}" value="7.50"' in page or f'value="7,50"' in page


def test_overriding_a_computed_line_needs_a_reason(computed_world, as_staff_a, assessment,
                                                  campaign):
    n = node(campaign, "2.2")
    response = as_staff_a.post(_url(assessment), {f"score-{n.pk}": "10"},
                               headers={"accept-language": "en"})
    assert "the portal computed 7.5 points; give a reason" in response.text
    assert Line.objects.get(assessment=assessment, node=n).self_score is None
    response = as_staff_a.post(_url(assessment), {
        f"score-{n.pk}": "10", f"reason-{n.pk}": "Hai nhiệm vụ được gia hạn bằng văn bản"})
    assert response.status_code == 302
    line = Line.objects.get(assessment=assessment, node=n)
    assert (line.self_score, line.override_reason) == (Decimal("10"),
                                                       "Hai nhiệm vụ được gia hạn bằng văn bản")


def test_submit_refused_while_lines_lack_a_score_or_evidence(as_head_a, assessment, campaign):
    response = as_head_a.post(reverse("index:assessment-submit", args=[assessment.pk]),
                              follow=True, headers={"accept-language": "en"})
    assert "lines have no score yet" in response.text
    assessment.refresh_from_db()
    assert not assessment.is_submitted


def test_evidence_already_in_the_portal_is_linked(as_staff_a, assessment, campaign,
                                                  assignment_a):
    n = node(campaign, "1.1")
    url = reverse("index:line-evidence", args=[assessment.pk, n.pk])
    page = as_staff_a.get(url)
    assert page.status_code == 200
    response = as_staff_a.post(url, {"assignment": assignment_a.pk,
                                     "document_number": "Quyết định số 5/QĐ-STP"})
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.assignment == assignment_a
    assert evidence.get_url() == assignment_a.get_absolute_url()
