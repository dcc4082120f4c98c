"""The criteria table in the official shape (STT, content, max points, method, evidence), read
from and written to XLSX, and the results workbooks (the summary and one unit's detail sheet).

STT says the level: a Roman numeral is an area (I, II ...), a plain number a criterion (1, 2 ...),
a dotted number a component (1.1, 1.2 ...). The method column reads "Có/Không",
"Mức: 0; 0,5; 1", "Công thức: 50-100" or "Tự động: tasks_on_time 50-100" (with the indicator's
name after the bounds for the indicator source); the English words (yes/no, levels:, formula:,
computed:) work too.
"""

import io
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font

from index.models import Node
from index.services import NodeSpec
from index.sources import SOURCES

HEADER = ["STT", "Nội dung", "Điểm tối đa", "Phương thức chấm", "Tài liệu kiểm chứng",
          "Chỉ áp dụng đơn vị có TTHC"]
MAX_ROWS = 2000
ROMAN = re.compile(r"^(?=[IVXL])L?X{0,3}(IX|IV|V?I{0,3})$")
CRITERION = re.compile(r"^\d{1,3}$")
COMPONENT = re.compile(r"^\d{1,3}\.\d{1,3}$")
YES = {"x", "có", "co", "yes", "y", "1", "true"}
METHOD_WORDS = {
    "có/không": Node.Method.YES_NO, "yes/no": Node.Method.YES_NO, "yes_no": Node.Method.YES_NO,
    "mức": Node.Method.LEVELS, "levels": Node.Method.LEVELS,
    "công thức": Node.Method.FORMULA, "formula": Node.Method.FORMULA,
    "tự động": Node.Method.COMPUTED, "computed": Node.Method.COMPUTED,
}
METHOD_LABEL = {Node.Method.YES_NO: "Có/Không", Node.Method.LEVELS: "Mức",
                Node.Method.FORMULA: "Công thức", Node.Method.COMPUTED: "Tự động"}
BOUNDS = re.compile(r"^(-?\d+(?:[.,]\d+)?)\s*-\s*(-?\d+(?:[.,]\d+)?)\s*(.*)$")


class TableError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def _decimal(text) -> Decimal:
    if isinstance(text, (int, float)):
        return Decimal(str(text))
    return Decimal(str(text).strip().replace(",", "."))


def _method(text: str, spec: NodeSpec, where: str, errors: list[str]) -> None:
    text = (text or "").strip()
    word, _sep, rest = text.partition(":")
    method = METHOD_WORDS.get(word.strip().lower())
    if method is None:
        errors.append(_("%(where)s: the method “%(text)s” is none of Có/Không, Mức: …, "
                        "Công thức: …, Tự động: ….") % {"where": where, "text": text[:60]})
        return
    spec.method = method
    rest = rest.strip()
    try:
        if method == Node.Method.LEVELS:
            levels = [_decimal(v) for v in rest.split(";") if v.strip()]
            if not levels or any(v < 0 or v > spec.max_points for v in levels):
                raise InvalidOperation
            spec.levels = ";".join(f"{v:f}" for v in levels)
        elif method in (Node.Method.FORMULA, Node.Method.COMPUTED):
            if method == Node.Method.COMPUTED:
                source, _sp, rest = rest.partition(" ")
                if source not in SOURCES:
                    errors.append(_("%(where)s: unknown data source “%(source)s” (known: "
                                    "%(known)s).") % {"where": where, "source": source[:40],
                                                       "known": ", ".join(SOURCES)})
                    return
                spec.source = source
            match = BOUNDS.match(rest.strip())
            if not match:
                raise InvalidOperation
            spec.lower_bound, spec.upper_bound = _decimal(match[1]), _decimal(match[2])
            spec.source_param = match[3].strip()[:200]
            if spec.upper_bound <= spec.lower_bound:
                raise InvalidOperation
            if spec.source == "indicator" and not spec.source_param:
                errors.append(_("%(where)s: name the indicator after the bounds.")
                              % {"where": where})
    except (InvalidOperation, ValueError):
        errors.append(_("%(where)s: the method's values “%(text)s” cannot be read.")
                      % {"where": where, "text": rest[:60]})


def read_criteria(upload) -> list[NodeSpec]:
    """The tree of an uploaded table; TableError with one message per bad line."""
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # not an XLSX at all, or a damaged one
        raise TableError([_("This file is not an Excel workbook (.xlsx).")]) from None
    sheet = workbook.worksheets[0]
    errors: list[str] = []
    areas: list[NodeSpec] = []
    seen: set[str] = set()
    for index, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if index > MAX_ROWS:
            errors.append(_("The table has more than %(n)s rows.") % {"n": MAX_ROWS})
            break
        cells = [("" if c is None else c) for c in (list(row) + [""] * 6)[:6]]
        number = str(cells[0]).strip()
        if index == 1 and number.upper() == "STT":
            continue
        if not any(str(c).strip() for c in cells):
            continue
        where = _("Row %(row)s (STT %(number)s)") % {"row": index, "number": number[:20]}
        content = str(cells[1]).strip()
        if not content:
            errors.append(_("%(where)s: the content is empty.") % {"where": where})
        if len(content) > 2000:
            errors.append(_("%(where)s: the content is longer than 2000 characters.")
                          % {"where": where})
        if number in seen:
            errors.append(_("%(where)s: this STT appears twice.") % {"where": where})
        seen.add(number)
        if cells[2] == "" or cells[2] is None:
            errors.append(_("%(where)s: the maximum points are missing.") % {"where": where})
            maximum = Decimal(0)
        else:
            try:
                maximum = _decimal(cells[2])
                if maximum < 0 or maximum > 1000 or maximum != maximum.quantize(Decimal("0.01")):
                    raise InvalidOperation
            except (InvalidOperation, ValueError):
                errors.append(_("%(where)s: the maximum points “%(value)s” are not a number "
                                "from 0 to 1000 with at most two decimals.")
                              % {"where": where, "value": str(cells[2])[:20]})
                maximum = Decimal(0)
        spec = NodeSpec(number=number, content=content[:2000], max_points=maximum, level="")
        if ROMAN.match(number):
            spec.level = Node.Level.AREA
            areas.append(spec)
        elif CRITERION.match(number):
            spec.level = Node.Level.CRITERION
            if not areas:
                errors.append(_("%(where)s: a criterion before any area.") % {"where": where})
                continue
            areas[-1].children.append(spec)
        elif COMPONENT.match(number):
            spec.level = Node.Level.COMPONENT
            _method(str(cells[3]), spec, where, errors)
            spec.evidence_required = str(cells[4]).strip().lower() in YES
            spec.procedures_only = str(cells[5]).strip().lower() in YES
            parent = areas[-1].children[-1] if areas and areas[-1].children else None
            if parent is None or not number.startswith(parent.number + "."):
                errors.append(_("%(where)s: a component must follow its criterion (%(number)s "
                                "under %(parent)s).") % {"where": where, "number": number,
                                                          "parent": number.split(".")[0]})
                continue
            parent.children.append(spec)
        else:
            errors.append(_("%(where)s: STT must be a Roman numeral (area), a number "
                            "(criterion) or a dotted number (component).") % {"where": where})
    if not areas and not errors:
        errors.append(_("The table has no lines."))
    if errors:
        raise TableError(errors)
    return areas


def _method_text(node) -> str:
    if node.level != Node.Level.COMPONENT:
        return ""
    label = METHOD_LABEL[node.method]
    if node.method == Node.Method.LEVELS:
        return f"{label}: " + "; ".join(f"{v:f}".replace(".", ",")
                                        for v in node.level_values())
    if node.method in (Node.Method.FORMULA, Node.Method.COMPUTED):
        bounds = f"{node.lower_bound.normalize():f}-{node.upper_bound.normalize():f}"
        source = f"{node.source} " if node.method == Node.Method.COMPUTED else ""
        return f"{label}: {source}{bounds} {node.source_param}".rstrip()
    return label


def _workbook_bytes(workbook: Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _header(sheet, row: list[str]) -> None:
    sheet.append(row)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def write_criteria(criteria_set) -> bytes:
    """The set in the shape read_criteria reads (a round trip gives the same tree)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Bo tieu chi"
    _header(sheet, HEADER)
    for node in criteria_set.nodes.order_by("position"):
        component = node.level == Node.Level.COMPONENT
        sheet.append([node.number, node.content, node.max_points, _method_text(node),
                      "x" if component and node.evidence_required else "",
                      "x" if component and node.procedures_only else ""])
    sheet.column_dimensions["B"].width = 80
    sheet.column_dimensions["D"].width = 32
    return _workbook_bytes(workbook)


def write_summary(summary) -> bytes:
    """Units x areas: self, appraised and final totals, rank and class (index.results)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Tong hop"
    areas = summary.areas
    _header(sheet, ["Hạng", "Mã", "Đơn vị"] + [f"{a.number}. {a.content}" for a in areas]
            + ["Tự chấm", "Thẩm định", "Điểm cuối cùng", "Xếp loại"])
    for row in summary.rows:
        sheet.append([row.rank, row.unit.code, row.unit.name]
                     + [row.area_final.get(a.pk) for a in areas]
                     + [row.self_total, row.appraised_total, row.final_total, row.grade])
    sheet.column_dimensions["C"].width = 40
    return _workbook_bytes(workbook)


def write_detail(detail) -> bytes:
    """One unit's lines: maximum, self, appraised, final (the latest correction's, if any),
    comments and the corrections (old → new: reason)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Chi tiet"
    assessment = detail.assessment
    sheet.append([assessment.unit.name])
    sheet.append([str(assessment.campaign)])
    _header(sheet, ["STT", "Nội dung", "Điểm tối đa", "Tự chấm", "Thẩm định", "Điểm cuối cùng",
                    "Giải trình", "Ý kiến thẩm định", "Đính chính"])
    for item in detail.items:
        line = item.line
        sheet.append([
            item.node.number, item.node.content, item.node.max_points,
            line.self_score if line else None, line.appraised if line else None,
            item.final, line.explanation if line else "",
            line.appraisal_comment if line else "",
            "; ".join(f"{c.old_score} → {c.score}: {c.reason}" for c in item.corrections),
        ])
    sheet.append([])
    sheet.append(["", "Tổng", assessment.campaign.criteria_set.total_points,
                  detail.totals.self_total, detail.totals.appraised_total,
                  detail.totals.final_total])
    sheet.column_dimensions["B"].width = 80
    return _workbook_bytes(workbook)
