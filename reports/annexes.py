"""The report's annexes as XLSX: the same tables as the DOCX, one sheet each."""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from reports import wording
from reports.figures import PeriodFigures, area_tasks

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _cell_value(value):
    # A text starting with "=" would be a formula in a spreadsheet: keep it text.
    if isinstance(value, str):
        value = wording.clean(value)
        if value[:1] in ("=", "+", "-", "@"):
            return "'" + value
    return value


def build(figures: PeriodFigures) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    title = wording.report_title(figures.period)
    sheets = [
        ("Bảng 1 - Lĩnh vực", "Kết quả thực hiện nhiệm vụ theo lĩnh vực cải cách",
         wording.area_table(figures)),
        ("Bảng 2 - Chỉ tiêu", "Kết quả thực hiện các chỉ tiêu của Kế hoạch",
         wording.indicator_table(figures)),
        ("Phụ lục I - Đơn vị", "Kết quả thực hiện nhiệm vụ theo đơn vị",
         wording.unit_table(figures)),
        ("Phụ lục II - Quá hạn", "Danh mục nhiệm vụ quá hạn", wording.overdue_table(figures)),
        ("Phụ lục III - Nhiệm vụ", "Nhiệm vụ hoàn thành đúng hạn, hoàn thành quá hạn và quá hạn "
         "theo lĩnh vực" + (f". {wording.NO_TASK_LISTS}" if area_tasks(figures.data) is None
                            else ""), wording.task_table(figures)),
    ]
    for name, caption, (header, rows) in sheets:
        ws = workbook.create_sheet(name[:31])
        ws["A1"] = title
        ws["A1"].font = Font(name="Times New Roman", bold=True, size=13)
        ws["A2"] = caption + (" (dự thảo, số liệu tạm tính)" if figures.draft else "")
        ws["A2"].font = Font(name="Times New Roman", italic=True, size=12)
        for col, text in enumerate(header, 1):
            cell = ws.cell(row=4, column=col, value=text)
            cell.font = Font(name="Times New Roman", bold=True, size=12)
            cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
            cell.border = BORDER
        for r, values in enumerate(rows, 5):
            if isinstance(values, wording.Group):  # a reform area heading its tasks
                ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(header))
                cell = ws.cell(row=r, column=1, value=_cell_value(str(values)))
                cell.font = Font(name="Times New Roman", bold=True, size=12)
                cell.border = BORDER
                continue
            for col, value in enumerate(values, 1):
                cell = ws.cell(row=r, column=col, value=_cell_value(value))
                cell.font = Font(name="Times New Roman", size=12)
                cell.border = BORDER
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        for col, text in enumerate(header, 1):
            ws.column_dimensions[get_column_letter(col)].width = 45 if col == 2 else 14
        ws.print_title_rows = "4:4"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
