"""insight.spreadsheet, the XLSX writer of the period exports, read back by openpyxl."""

import datetime
import io
from decimal import Decimal

import openpyxl

from insight import spreadsheet


def read(book: spreadsheet.Book):
    return openpyxl.load_workbook(io.BytesIO(book.save()))


def test_values_come_back_as_written():
    book = spreadsheet.Book()
    sheet = book.sheet("Quá hạn")
    sheet.append(["STT", "Nhiệm vụ", "Hạn"], spreadsheet.HEAD)
    sheet.append([1, "A & B <c> \"d\"", datetime.date(2026, 3, 14), 2.5, None, True,
                  Decimal("4.15"), "=1+1", "  lề  ", "x\x00y\x1f"])
    sheet.append([])
    sheet.append(["Tổng số", 7], spreadsheet.BOLD)
    ws = read(book)["Quá hạn"]
    head, row, empty, total = list(ws.iter_rows(min_row=1, max_row=4))
    assert [c.value for c in head] [:3] == ["STT", "Nhiệm vụ", "Hạn"]
    assert all(c.font.bold and c.fill.fgColor.rgb == spreadsheet.HEAD_FILL
               and c.alignment.wrap_text for c in head[:3])
    values = [c.value for c in row]
    assert values == [1, 'A & B <c> "d"', datetime.datetime(2026, 3, 14), 2.5, None, True,
                      "4.15", "=1+1", "  lề  ", "xy"]
    assert row[2].number_format == "dd/mm/yyyy" and row[2].is_date
    assert row[7].data_type == "s"  # text that looks like a formula stays text
    assert all(c.value is None for c in empty)
    assert [c.value for c in total][:2] == ["Tổng số", 7]
    assert total[0].font.bold and total[1].font.bold


def test_long_text_wraps_and_short_text_does_not():
    book = spreadsheet.Book()
    sheet = book.sheet("S")
    sheet.append(["ngắn", "x" * (spreadsheet.WRAP_OVER + 1)])
    short, long_ = next(read(book)["S"].iter_rows())
    assert not short.alignment.wrap_text and long_.alignment.wrap_text


def test_layout_and_print_set_up():
    book = spreadsheet.Book()
    book.sheet("Thông tin")
    sheet = book.sheet("Đơn vị's", widths={1: 6, 3: 42}, freeze_header=True, filter_header=True,
                       repeat_header=True, landscape=True,
                       header=("Ủy ban nhân dân tỉnh Nghệ An", "Báo cáo\nQuý I & II", "Đến 31/3"),
                       footer_right="Trang &P / &N", top_margin=1.0)
    sheet.append(["STT", "Mã", "Tên"], spreadsheet.HEAD)
    for i in range(1, 4):
        sheet.append([i, f"M{i}", f"Đơn vị {i}"])
    wb = read(book)
    assert wb.sheetnames == ["Thông tin", "Đơn vị's"]
    ws = wb["Đơn vị's"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:C4"
    assert ws.print_title_rows == "$1:$1"
    assert ws.column_dimensions["A"].width == 6 and ws.column_dimensions["C"].width == 42
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.page_margins.top == 1.0
    assert ws.oddHeader.left.text == "Ủy ban nhân dân tỉnh Nghệ An"
    assert ws.oddHeader.center.text == "Báo cáo\nQuý I && II"
    assert ws.oddHeader.right.text == "Đến 31/3"
    assert ws.oddFooter.right.text == "Trang &P / &N"
    first = wb["Thông tin"]
    assert first.freeze_panes is None and first.print_title_rows is None
