"""Criteria tables: XLSX import in the official shape with a message per bad line and all or
nothing, export in the same shape (a round trip gives the same tree), copy of last year's set."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from index import services, tables
from index.models import CriteriaSet, Node
from tests.index_world import make_set

GOOD = [
    ["STT", "Nội dung", "Điểm tối đa", "Phương thức chấm", "Tài liệu kiểm chứng"],
    ["I", "Công tác chỉ đạo, điều hành CCHC", 60],
    ["1", "Kế hoạch CCHC năm", 60],
    ["1.1", "Ban hành kế hoạch đúng hạn", 20, "Có/Không", "x"],
    ["1.2", "Mức độ cụ thể của kế hoạch", 20, "Mức: 0; 10; 20", "x"],
    ["1.3", "Tỷ lệ nhiệm vụ hoàn thành đúng hạn", 20, "Tự động: tasks_on_time 0-100", ""],
    ["II", "Cải cách thủ tục hành chính", 40],
    ["2", "Giải quyết TTHC", 40],
    ["2.1", "Tỷ lệ hồ sơ đúng hạn", 30, "Công thức: 50-100", "", "x"],
    ["2.2", "Mức độ hài lòng", "10", "Tự động: indicator 80-100 Mức độ hài lòng", ""],
]


def _xlsx(rows) -> SimpleUploadedFile:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("bo-tieu-chi.xlsx", out.getvalue())


def _post(client, rows, year=2026):
    return client.post(reverse("index:criteria-set-import"), {
        "year": year, "unit_kind": "provincial", "name": "Bộ chỉ số 2026", "total_points": "100",
        "file": _xlsx(rows)}, headers={"accept-language": "en"})


def test_a_good_table_is_imported(as_coordinator):
    response = _post(as_coordinator, GOOD)
    assert response.status_code == 302
    criteria_set = CriteriaSet.objects.get()
    nodes = {n.number: n for n in criteria_set.nodes.all()}
    assert len(nodes) == 9 and criteria_set.maxima_total() == Decimal("100")
    assert nodes["1.2"].level_values() == [Decimal("0"), Decimal("10"), Decimal("20")]
    assert (nodes["1.3"].method, nodes["1.3"].source) == (Node.Method.COMPUTED, "tasks_on_time")
    assert (nodes["2.1"].lower_bound, nodes["2.1"].procedures_only) == (Decimal("50"), True)
    assert nodes["2.2"].source_param == "Mức độ hài lòng"
    assert nodes["1.1"].evidence_required and nodes["2.2"].area == nodes["II"]


@pytest.mark.parametrize("change, message", [
    (lambda rows: rows[3].__setitem__(2, None), "Row 4 (STT 1.1): the maximum points are missing."),
    (lambda rows: rows[3].__setitem__(2, "hai mươi"), "Row 4 (STT 1.1): the maximum points"),
    (lambda rows: rows[4].__setitem__(2, 25),
     "Line 1: its maximum is 60 but its components add up to 65"),
    (lambda rows: rows[8].__setitem__(3, "Chấm tay"), "Row 9 (STT 2.1): the method"),
    (lambda rows: rows[5].__setitem__(3, "Tự động: khong_co 0-100"), "unknown data source"),
    (lambda rows: rows.append(["3.1", "Mồ côi", 1, "Có/Không"]),
     "a component must follow its criterion"),
])
def test_a_bad_table_gets_a_message_per_line_and_nothing_is_imported(as_coordinator, change,
                                                                     message):
    rows = [list(r) + [""] * (6 - len(r)) for r in GOOD]
    change(rows)
    response = _post(as_coordinator, rows)
    assert response.status_code == 200
    assert message in response.text
    assert not CriteriaSet.objects.exists() and not Node.objects.exists()


def test_maxima_that_do_not_add_up_to_the_total_are_refused(as_coordinator):
    rows = [list(r) for r in GOOD]
    rows[1][2] = rows[2][2] = 70
    rows[3][2] = 30  # area I 70 = criterion 1 70 = 30+20+20; total 110
    response = _post(as_coordinator, rows)
    assert "add up to 110" in response.text and "total of 100" in response.text
    assert not CriteriaSet.objects.exists()


def test_not_an_xlsx(as_coordinator):
    response = as_coordinator.post(reverse("index:criteria-set-import"), {
        "year": 2026, "unit_kind": "provincial", "name": "X", "total_points": "100",
        "file": SimpleUploadedFile("a.xlsx", b"not a workbook")},
        headers={"accept-language": "en"})
    assert "not an Excel workbook" in response.text


def test_export_reads_back_to_the_same_tree(as_leader, db):
    criteria_set = make_set()
    response = as_leader.get(reverse("index:criteria-set-export", args=[criteria_set.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("STT", "Nội dung", "Điểm tối đa", "Phương thức chấm",
                           "Tài liệu kiểm chứng")
    areas = tables.read_criteria(io.BytesIO(response.content))
    assert _flat(services.tree_of(criteria_set)) == _flat(areas)


def _flat(specs) -> list[tuple]:
    out = []
    for spec in specs:
        levels = sorted(Decimal(v) for v in spec.levels.split(";") if v)
        out.append((spec.number, spec.content, spec.max_points, spec.level, spec.method, levels,
                    spec.lower_bound, spec.upper_bound, spec.source, spec.source_param,
                    spec.evidence_required, spec.procedures_only))
        out += _flat(spec.children)
    return out


def test_copy_last_years_set(as_coordinator, unit_a):
    source = make_set(year=2025, exempt=[unit_a])
    response = as_coordinator.post(reverse("index:criteria-set-copy", args=[source.pk]),
                                   {"year": 2026})
    assert response.status_code == 302
    copy = CriteriaSet.objects.get(year=2026)
    assert _flat(services.tree_of(copy)) == _flat(services.tree_of(source))
    assert list(copy.exempt_units.all()) == [unit_a]
    # a second copy to the same year is refused with a message, nothing new
    as_coordinator.post(reverse("index:criteria-set-copy", args=[source.pk]), {"year": 2026})
    assert CriteriaSet.objects.count() == 2


def test_only_coordinators_import_or_copy(as_staff_a, as_leader, db):
    source = make_set()
    for client in (as_staff_a, as_leader):
        assert client.get(reverse("index:criteria-set-import")).status_code == 403
        assert client.post(reverse("index:criteria-set-copy", args=[source.pk]),
                           {"year": 2030}).status_code == 403
