"""The official report as a DOCX in the format of Decree 30/2020/NĐ-CP.

A4 portrait; margins top 20, bottom 20, left 30, right 15 mm; Times New Roman 14 pt (tables
12 pt); the page number centred at the top from page 2 (a different first page header); the
two-column header; title; sections I to V; "Nơi nhận:" and the signature block; annexes.
"""

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from reports import wording
from reports.figures import PeriodFigures, area_tasks, overdue_areas
from reports.models import PeriodNarrative
from reports.wording import clean

FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 12
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
TEXT_WIDTH_MM = 210 - MARGINS_MM["left"] - MARGINS_MM["right"]

# Column widths in mm of each table, summing to the text width (165 mm).
CLASS_WIDTHS = [12, 51, 15, 17, 17, 18, 15, 20]
OVERDUE_WIDTHS = [12, 56, 36, 17, 25, 19]  # a date (dd/mm/yyyy) fits on one line
INDICATOR_WIDTHS = [12, 73, 28, 28, 24]
TASK_WIDTHS = [12, 63, 62, 28]
ROW_KEPT_CHARS = 400  # a table row shorter than this never breaks across two pages
HEADER_WIDTHS = [65, 100]
SIGNATURE_WIDTHS = [85, 80]


def build(figures: PeriodFigures, narrative: PeriodNarrative) -> bytes:
    document = Document()
    _page_setup(document)
    _styles(document)
    _heading_block(document, figures, narrative)
    _sections(document, figures, narrative)
    _signature(document, narrative)
    _annexes(document, figures, narrative)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- Page and styles ----------------------------------------------------------------------------


def _page_setup(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = Mm(MARGINS_MM["top"])
    section.bottom_margin = Mm(MARGINS_MM["bottom"])
    section.left_margin = Mm(MARGINS_MM["left"])
    section.right_margin = Mm(MARGINS_MM["right"])
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)
    # Page 1 has no number; the others carry it centred at the top.
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(paragraph)
    section.first_page_header.paragraphs[0].text = ""


def _page_field(paragraph) -> None:
    run = paragraph.add_run()
    _font(run, BODY_PT)
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "2"),
                       ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == "PAGE":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = " PAGE "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def _font(run, size: float, *, bold=False, italic=False, underline=False) -> None:
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    run.font.underline = underline
    # Vietnamese letters must not fall back to another font in Word's East Asian slot.
    fonts = run._r.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)


def _styles(document) -> None:
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)


def _paragraph(container, text="", *, size=BODY_PT, bold=False, italic=False,
               underline=False, align=None, indent=False, after=0, before=0, keep=False):
    paragraph = container.add_paragraph()
    if text:
        _font(paragraph.add_run(clean(text)), size, bold=bold, italic=italic, underline=underline)
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_after = Pt(after)
    fmt.space_before = Pt(before)
    if indent:
        fmt.first_line_indent = Mm(10)
    if keep:
        fmt.keep_with_next = True
    return paragraph


def _body(document, text: str) -> None:
    """Each line of a text as a justified paragraph, first line indented."""
    for line in clean(text).splitlines():
        if line.strip():
            _paragraph(document, line.strip(), align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True,
                       after=6)


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _fixed_widths(table, widths_mm: list[int]) -> None:
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
        for cell in column.cells:
            cell.width = Mm(width)


def _cell(cell, lines, *, size=BODY_PT, align=WD_ALIGN_PARAGRAPH.CENTER) -> None:
    """lines: [(text, {"bold":..., "italic":..., "underline":..., "size":...}), ...]"""
    first = True
    for text, style in lines:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        paragraph.alignment = style.get("align", align)
        if text:
            _font(paragraph.add_run(clean(text)), style.get("size", size),
                  bold=style.get("bold", False), italic=style.get("italic", False),
                  underline=style.get("underline", False))


# --- Header, title ------------------------------------------------------------------------------


def _heading_block(document, figures: PeriodFigures, narrative: PeriodNarrative) -> None:
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    _fixed_widths(table, HEADER_WIDTHS)
    left, right = table.rows[0].cells
    agency = []
    if narrative.parent_agency:
        agency.append((narrative.parent_agency.upper(), {"size": 13}))
    agency.append((narrative.agency.upper(), {"size": 13, "bold": True}))
    agency.append(("―――――", {"size": 10}))
    agency.append((wording.number_line(narrative.number, narrative.number_suffix),
                   {"size": 13}))
    _cell(left, agency)
    _cell(right, [
        (wording.NATION, {"size": 12, "bold": True}),
        (wording.MOTTO, {"size": 13, "bold": True, "underline": True}),
        ("", {}),
        (wording.place_and_date(narrative.place, narrative.issued_on), {"italic": True}),
    ])
    if figures.draft:
        _paragraph(
            document,
            "DỰ THẢO: kỳ báo cáo chưa khóa sổ, số liệu tạm tính đến ngày "
            f"{wording.dmy(figures.data['computed_at'][:10])}.",
            size=12, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=6,
        )
    _paragraph(document, wording.TITLE, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=18)
    _paragraph(document, wording.report_title(figures.period), bold=True,
               align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, "―――――――", size=10, align=WD_ALIGN_PARAGRAPH.CENTER, after=12)


# --- Sections -----------------------------------------------------------------------------------


def _heading(document, text: str) -> None:
    _paragraph(document, text, bold=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY, before=6, after=6,
               keep=True)


def _sections(document, figures: PeriodFigures, narrative: PeriodNarrative) -> None:
    headings = wording.SECTION_HEADINGS
    _heading(document, headings["direction"])
    _body(document, narrative.direction)

    _heading(document, headings["results"])
    _results(document, figures)

    _heading(document, headings["assessment"])
    _body(document, narrative.assessment)
    _heading(document, headings["next_tasks"])
    _body(document, narrative.next_tasks)
    _heading(document, headings["proposals"])
    _body(document, narrative.proposals)
    closing = _paragraph(
        document, "Trên đây là báo cáo kết quả thực hiện công tác cải cách hành chính "
        f"{wording.period_words(figures.period)}.", align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        indent=True, after=12)
    closing.paragraph_format.keep_with_next = True


def _results(document, figures: PeriodFigures) -> None:
    data = figures.data
    _body(document, wording.class_sentence(data["totals"]) + " Chi tiết tại Bảng 1 và các Phụ lục.")
    _caption(document, "Bảng 1. Kết quả thực hiện nhiệm vụ theo lĩnh vực cải cách")
    _table(document, *wording.area_table(figures), CLASS_WIDTHS, total_row=True)

    by_area = {row["id"]: row for row in data["by_area"]}
    lists = area_tasks(data)
    if lists is None:
        _body(document, wording.NO_TASK_LISTS)
        areas_of = overdue_areas(data)
    for number, area in enumerate(data["areas"], 1):
        row = by_area.get(area["id"])
        _paragraph(document, f"{number}. {wording.area_name(area['label'])}", bold=True,
                   align=WD_ALIGN_PARAGRAPH.JUSTIFY, before=6, after=3, keep=True)
        if not row or not row["total"]:
            _body(document, "Không có nhiệm vụ đến hạn trong kỳ.")
            continue
        _body(document, wording.class_sentence(row))
        if lists is not None:
            for kind, tasks in lists.get(area["id"], {}).items():
                if tasks:
                    _body(document, wording.task_sentence(kind, tasks))
            continue
        # A report frozen before the task lists: its overdue rows still name the tasks.
        late = [r for r in data["overdue"] if areas_of.get(r["assignment"]) == area["id"]]
        if late:
            listed = "; ".join(
                f"{r['task_code']} {r['task_title']} ({r['unit_name']}, quá hạn "
                f"{r['days_late']} ngày)" for r in late[:10]
            )
            more = f" và {len(late) - 10} lượt khác (Phụ lục II)" if len(late) > 10 else ""
            _body(document, f"Nhiệm vụ quá hạn: {listed}{more}.")

    if figures.indicators:
        _caption(document, "Bảng 2. Kết quả thực hiện các chỉ tiêu của Kế hoạch")
        _table(document, *wording.indicator_table(figures), INDICATOR_WIDTHS)


def _caption(document, text: str) -> None:
    _paragraph(document, text, size=13, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER,
               before=6, after=3, keep=True)


def _table(document, header: list[str], rows: list[list], widths: list[int], *,
           total_row: bool = False) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = document.styles["Table Grid"]
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        _cell(cell, [(text, {"bold": True})], size=TABLE_PT)
    # Repeat the header row on each page the table runs over.
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(marker)
    groups = []
    for index, values in enumerate(rows):
        if isinstance(values, wording.Group):
            row = table.add_row()
            groups.append(row)
            _cell(row.cells[0], [(str(values), {"bold": True, "align": WD_ALIGN_PARAGRAPH.LEFT})],
                  size=TABLE_PT)
            continue
        bold = total_row and index == len(rows) - 1
        row = table.add_row()
        if sum(len(str(value)) for value in values) < ROW_KEPT_CHARS:
            # A short row split over two pages reads as two rows; a very long one (a task of
            # every district) may split rather than leave most of a page blank.
            row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        cells = row.cells
        for position, (cell, value) in enumerate(zip(cells, values, strict=True)):
            align = (WD_ALIGN_PARAGRAPH.LEFT if isinstance(value, str) and position in (1, 2)
                     and not str(value).replace(",", "").isdigit()
                     else WD_ALIGN_PARAGRAPH.CENTER)
            _cell(cell, [(str(value), {"bold": bold})], size=TABLE_PT, align=align)
    _fixed_widths(table, widths)
    for row in groups:  # merged after the widths are set: one cell across the table
        row.cells[0].merge(row.cells[-1])
        row.cells[0].paragraphs[0].paragraph_format.keep_with_next = True
    _paragraph(document, "", size=6)


# --- Recipients and signature -------------------------------------------------------------------


def _signature(document, narrative: PeriodNarrative) -> None:
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    _fixed_widths(table, SIGNATURE_WIDTHS)
    left, right = table.rows[0].cells
    recipients = [("Nơi nhận:", {"size": 12, "bold": True, "italic": True,
                                 "align": WD_ALIGN_PARAGRAPH.LEFT})]
    recipients += [(line, {"size": 11, "align": WD_ALIGN_PARAGRAPH.LEFT})
                   for line in clean(narrative.recipients).splitlines() if line.strip()]
    _cell(left, recipients)
    lines = [(line.upper(), {"bold": True}) for line in clean(narrative.signer_title).splitlines()
             if line.strip()]
    lines += [("", {}), (wording.SIGNED, {"italic": True}), ("", {}),
              (narrative.signer_name, {"bold": True})]
    _cell(right, lines)
    # The block stays on one page, with the paragraph before it: never a name alone on a page.
    cant_split = OxmlElement("w:cantSplit")
    table.rows[0]._tr.get_or_add_trPr().append(cant_split)
    for cell in (left, right):
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.keep_with_next = True


# --- Annexes ------------------------------------------------------------------------------------


def _annex_head(document, number: str, title: str, narrative: PeriodNarrative,
                figures: PeriodFigures) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run().add_break(WD_BREAK.PAGE)
    _paragraph(document, f"Phụ lục {number}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for line in title.splitlines():  # broken where a reader would, not mid-phrase
        _paragraph(document, line, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    day = (narrative.issued_on.strftime("%d/%m/%Y") if narrative.issued_on else "...")
    number = f"{narrative.number or '...'}/{narrative.number_suffix}"
    _paragraph(document, f"(Kèm theo Báo cáo số {number} ngày {day} của {narrative.agency})",
               size=13, italic=True,
               align=WD_ALIGN_PARAGRAPH.CENTER, after=6)


def _annexes(document, figures: PeriodFigures, narrative: PeriodNarrative) -> None:
    words = wording.period_words(figures.period)
    _annex_head(document, "I", f"KẾT QUẢ THỰC HIỆN NHIỆM VỤ THEO ĐƠN VỊ {words.upper()}",
                narrative, figures)
    header, rows = wording.unit_table(figures)
    if rows:
        _table(document, header, rows, CLASS_WIDTHS)
    else:
        _body(document, "Không có nhiệm vụ đến hạn trong kỳ.")
    _annex_head(document, "II", "DANH MỤC NHIỆM VỤ QUÁ HẠN\n(THEO ĐƠN VỊ CHỦ TRÌ, PHỐI HỢP)",
                narrative, figures)
    header, rows = wording.overdue_table(figures)
    if rows:
        _table(document, header, rows, OVERDUE_WIDTHS)
    else:
        _body(document, "Không có nhiệm vụ quá hạn đến hết kỳ báo cáo.")
    _annex_head(document, "III", "DANH MỤC NHIỆM VỤ HOÀN THÀNH ĐÚNG HẠN, HOÀN THÀNH QUÁ HẠN\n"
                "VÀ QUÁ HẠN THEO LĨNH VỰC (THEO ĐƠN VỊ CHỦ TRÌ)", narrative, figures)
    header, rows = wording.task_table(figures)
    if area_tasks(figures.data) is None:
        _body(document, wording.NO_TASK_LISTS)
    elif rows:
        _table(document, header, rows, TASK_WIDTHS)
    else:
        _body(document, "Không có nhiệm vụ hoàn thành hoặc quá hạn trong kỳ.")
