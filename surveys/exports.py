"""A campaign's results as CSV and XLSX: counts per unit, question and answer.

Several-choices questions are counted per option (a respondent choosing two options counts once
under each), never per combination: the tallies are kept that way.
"""

import csv
import io
from collections.abc import Iterator

from openpyxl import Workbook
from openpyxl.styles import Font

from surveys.models import Campaign, CampaignUnit, Question, UnitTally
from surveys.results import build, campaign_counts, share
from surveys.services import Schema

FORMULA_START = ("=", "+", "-", "@")
HEADER = ["Mã đơn vị", "Đơn vị", "Mã câu hỏi", "Câu hỏi", "Giá trị", "Câu trả lời", "Số phiếu"]


def _safe(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _labels(schema: Schema) -> tuple[dict, dict]:
    texts, labels = {}, {}
    for q in schema.questions:
        texts[q.code] = q.text_vi
        if q.is_scaled:
            for value, label in q.scale():
                labels[(q.code, value)] = str(label)
        else:
            for o in q.options.all():
                labels[(q.code, o.position)] = o.label_vi
    return texts, labels


class _Echo:
    def write(self, value):
        return value


def csv_rows(campaign: Campaign) -> Iterator[str]:
    """Streamed: the whole campaign first (unit columns empty), then each unit's counts."""
    from django.utils import translation

    with translation.override("vi"):
        schema = Schema.of(campaign.questionnaire)
        texts, labels = _labels(schema)
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(HEADER)
    counts = campaign_counts(campaign)
    order = {q.code: n for n, q in enumerate(schema.questions)}
    for item in sorted(counts, key=lambda i: (order.get(i.split("@")[0], -1), i)):
        for value, count in sorted(counts[item].items()):
            yield writer.writerow(["", "Toàn bộ", item, texts.get(item.split("@")[0], ""),
                                   value, labels.get((item, value), ""), count])
    names = dict(CampaignUnit.objects.filter(campaign=campaign)
                 .values_list("unit__code", "unit__name"))
    rows = (UnitTally.objects.filter(campaign=campaign).order_by("unit__code", "item", "value")
            .values_list("unit__code", "item", "value", "count").iterator(chunk_size=5000))
    for code, item, value, count in rows:
        yield writer.writerow([_safe(code), _safe(names.get(code, "")), item,
                               texts.get(item.split("@")[0], ""), value,
                               labels.get((item, value), ""), count])


def xlsx_bytes(campaign: Campaign) -> bytes:
    from django.utils import translation

    from surveys.results import unit_overall_rows

    with translation.override("vi"):
        schema = Schema.of(campaign.questionnaire)
        texts, labels = _labels(schema)
        results = build(schema, campaign_counts(campaign))
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Câu hỏi"
    bold = Font(bold=True)
    ws.append([campaign.title])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(["Số phiếu", results.responses])
    ws.append([])
    ws.append(["Mã câu hỏi", "Câu hỏi", "Giá trị", "Câu trả lời", "Số phiếu", "Tỷ lệ (%)"])
    for cell in ws[4]:
        cell.font = bold
    counts = campaign_counts(campaign)
    for q in schema.questions:
        values = counts.get(q.code, {})
        base = results.responses if q.kind == Question.Kind.MULTIPLE else sum(values.values())
        options = ([v for v, _l in q.scale()] if q.is_scaled
                   else [o.position for o in q.options.all()])
        for value in options:
            count = values.get(value, 0)
            ws.append([q.code, texts[q.code], value, labels.get((q.code, value), ""), count,
                       round(count * 100 / base, 2) if base else None])
    units = workbook.create_sheet("Đơn vị")
    units.append(["Mã đơn vị", "Đơn vị", "Số phiếu", "Trả lời câu hài lòng chung",
                  "Hài lòng (%)", "Sai số ±, điểm % (95%)", f"Dưới chỉ tiêu {campaign.target}%"])
    for cell in units[1]:
        cell.font = bold
    overall = next((q.code for q in schema.questions if q.kind == Question.Kind.OVERALL), None)
    rows = unit_overall_rows(campaign, overall) if overall else {}
    for unit_id, code, name in (CampaignUnit.objects.filter(campaign=campaign)
                                .order_by("unit__code")
                                .values_list("unit_id", "unit__code", "unit__name")):
        figure, n = rows.get(unit_id, (share({}), 0))
        percent = figure.percent
        units.append([_safe(code), _safe(name), n, figure.n,
                      float(percent) if percent is not None else None,
                      float(figure.margin) if figure.margin is not None else None,
                      "x" if percent is not None and percent < campaign.target else ""])
    for sheet, widths in ((ws, [12, 70, 8, 28, 10, 10]), (units, [12, 40, 10, 12, 12, 14, 16])):
        for n, width in enumerate(widths):
            sheet.column_dimensions[chr(65 + n)].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()



