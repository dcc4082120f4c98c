"""Write the sample task list the import page offers: static/samples/ke-hoach-mau.{xlsx,csv}.

    .venv/bin/python scripts/make_sample_plan.py [--year 2027]

The rows use the demo's units (demo/loader.py) that exist from 1/7/2025 on: the provincial
agencies after the merger of 1/3/2025 and the wards of the two-level local government, by code
or by name, so the file imports cleanly into any plan from 2026 on. Deadlines are real date
cells in the workbook, dd/mm/yyyy in the CSV; "thường xuyên" is an ongoing task.
"""

import argparse
import csv
import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "static" / "samples"
HEADER = ["Mã", "Lĩnh vực", "Giải pháp", "Nhiệm vụ", "Sản phẩm", "Chủ trì", "Phối hợp",
          "Thời hạn"]
ONGOING = "thường xuyên"


def rows(year: int) -> list[list]:
    def d(month: int, day: int) -> datetime.date:
        return datetime.date(year, month, day)

    # (code, area, solution, title, output, lead units, supporting units, deadline)
    return [
        ["0.1", 0, 2, f"Ban hành kế hoạch cải cách hành chính năm {year} của các sở, ban, ngành "
         "và UBND cấp xã", f"Kế hoạch CCHC năm {year} của cơ quan, đơn vị", ["Sở Nội vụ"],
         ["Văn phòng UBND tỉnh"], d(1, 31)],
        ["0.2", 0, 5, f"Kiểm tra công tác cải cách hành chính năm {year} tại các sở, ngành và "
         "phường, xã", "Thông báo kết luận kiểm tra CCHC", ["SNV"],
         ["Sở Tư pháp", "Văn phòng UBND tỉnh"], d(11, 30)],
        ["0.3", 0, 10, "Đo lường sự hài lòng của người dân, tổ chức đối với sự phục vụ của cơ "
         "quan hành chính nhà nước (SIPAS)", f"Báo cáo kết quả đo lường sự hài lòng năm {year}",
         ["Sở Nội vụ"], ["Sở Khoa học và Công nghệ"], d(12, 15)],
        ["1.1", 1, 2, f"Xây dựng, trình ban hành văn bản quy phạm pháp luật theo Chương trình năm "
         f"{year} của HĐND, UBND tỉnh", "Báo cáo tình hình xây dựng, ban hành văn bản QPPL",
         ["Sở Tư pháp"], ["Văn phòng UBND tỉnh"], ONGOING],
        ["1.2", 1, None, "Rà soát văn bản quy phạm pháp luật của tỉnh sau sắp xếp chính quyền "
         "địa phương hai cấp", "Quyết định công bố danh mục văn bản hết hiệu lực", ["STP"],
         ["Sở Nội vụ"], d(6, 30)],
        ["2.1", 2, 4,
         "Công bố, công khai thủ tục hành chính mới ban hành, sửa đổi, bổ sung, bãi bỏ",
         "Quyết định công bố danh mục TTHC; dữ liệu TTHC được cập nhật",
         ["Văn phòng UBND tỉnh"], ["Sở Tư pháp"], ONGOING],
        ["2.2", 2, 4, "Giải quyết ít nhất 95% hồ sơ đúng hạn; xin lỗi người dân đối với 100% hồ sơ "
         "trễ hạn", "Báo cáo tình hình giải quyết hồ sơ; văn bản xin lỗi",
         ["16681", "16690", "16702", "17920"], ["Văn phòng UBND tỉnh"], ONGOING],
        ["2.3", 2, 6, "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính tại Trung tâm Phục vụ "
         "hành chính công cấp xã", "Báo cáo tỷ lệ số hóa hồ sơ, kết quả giải quyết TTHC",
         ["Phường Thành Vinh", "Phường Cửa Lò", "Phường Hoàng Mai"], ["Văn phòng UBND tỉnh"],
         d(12, 31)],
        ["3.1", 3, 2, "Rà soát chức năng, nhiệm vụ của các sở sau hợp nhất; giảm đầu mối bên trong",
         "Quyết định quy định chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức", ["Sở Nội vụ"],
         ["Sở Tài chính", "Sở Xây dựng", "Sở Nông nghiệp và Môi trường"], d(6, 30)],
        ["4.1", 4, 3, "Rà soát, điều chỉnh vị trí việc làm của cơ quan, đơn vị",
         "Đề án vị trí việc làm được phê duyệt", ["Sở Nội vụ"], ["Sở Tài chính"], d(9, 30)],
        ["5.1", 5, 9, f"Bố trí kinh phí thực hiện nhiệm vụ cải cách hành chính năm {year}",
         f"Quyết định giao dự toán kinh phí CCHC năm {year}", ["Sở Tài chính"], ["Sở Nội vụ"],
         d(3, 31)],
        ["6.1", 6, 6, "Cung cấp dịch vụ công trực tuyến toàn trình; thanh toán trực tuyến phí, lệ "
         "phí", "Danh mục dịch vụ công trực tuyến toàn trình; Báo cáo tỷ lệ hồ sơ trực tuyến",
         ["Văn phòng UBND tỉnh", "Sở Khoa học và Công nghệ"], ["Sở Tài chính"], d(12, 31)],
        ["6.2", 6, 8, "Liên thông điện tử nhóm thủ tục khai sinh – đăng ký thường trú – cấp thẻ "
         "BHYT cho trẻ dưới 6 tuổi (Đề án 06)",
         "Nhóm TTHC liên thông được vận hành trên Cổng Dịch vụ công", ["Sở Tư pháp"],
         ["Sở Y tế", "Sở Nội vụ"], d(6, 30)],
        ["6.3", 6, 6, "Bảo đảm an toàn thông tin mạng cho các hệ thống dùng chung của tỉnh",
         f"Báo cáo bảo đảm an toàn thông tin năm {year}", ["SKHCN"], [], ONGOING],
    ]


def write_xlsx(path: Path, year: int) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Nhiệm vụ"
    sheet["A1"] = f"KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM {year} – DANH MỤC NHIỆM VỤ"
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A2"] = ("Mỗi dòng một nhiệm vụ. Đơn vị: mã hoặc tên, cách nhau bằng dấu “;” hoặc xuống "
                   "dòng. Thời hạn: ngày (dd/mm/yyyy) hoặc “thường xuyên”.")
    sheet["A2"].font = Font(italic=True, color="5B6472")
    sheet.append([])
    sheet.append(HEADER)
    header_row = sheet.max_row
    thin = Side(style="thin", color="B8C0CC")
    for cell in sheet[header_row]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="0B3A6E")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    for code, area, solution, title, output, lead, support, due in rows(year):
        sheet.append([code, area, solution, title, output, "\n".join(lead), "\n".join(support),
                      due])
        row = sheet.max_row
        sheet.cell(row, 1).number_format = "@"  # text: "2.10" must not become 2.1
        if isinstance(due, datetime.date):
            sheet.cell(row, 8).number_format = "DD/MM/YYYY"
        for cell in sheet[row]:
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    for letter, width in zip("ABCDEFGH", (7, 9, 10, 60, 45, 28, 30, 13)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = sheet.cell(header_row + 1, 1)

    guide = book.create_sheet("Hướng dẫn")
    for line in (
        ["Cột", "Nội dung"],
        ["Mã", "Mã nhiệm vụ, duy nhất trong kế hoạch (ví dụ 2.3). Định dạng ô là Text."],
        ["Lĩnh vực", "Số của lĩnh vực cải cách trong kế hoạch: 0 (chỉ đạo, điều hành), 1 đến 6."],
        ["Giải pháp", "Số của giải pháp (1 đến 10); có thể để trống."],
        ["Nhiệm vụ", "Tên nhiệm vụ."],
        ["Sản phẩm", "Sản phẩm đầu ra: quyết định, báo cáo, kế hoạch, hệ thống vận hành…"],
        ["Chủ trì", "Cơ quan chủ trì: mã hoặc tên đơn vị; nhiều đơn vị cách nhau bằng “;”."],
        ["Phối hợp", "Cơ quan phối hợp; có thể để trống."],
        ["Thời hạn", "Ngày hoàn thành (dd/mm/yyyy) hoặc “thường xuyên”."],
    ):
        guide.append(line)
    guide.column_dimensions["A"].width = 12
    guide.column_dimensions["B"].width = 90
    for cell in guide[1]:
        cell.font = Font(bold=True)

    # Fixed document dates, whatever day the file is regenerated.
    stamp = datetime.datetime(year - 1, 12, 1)
    book.properties.created = book.properties.modified = stamp
    book.properties.creator = "Sở Nội vụ tỉnh Nghệ An"
    book.save(path)


def write_csv(path: Path, year: int) -> None:
    # UTF-8 with a BOM: Excel opens it with the Vietnamese letters intact.
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for code, area, solution, title, output, lead, support, due in rows(year):
            writer.writerow([
                code, area, "" if solution is None else solution, title, output, "; ".join(lead),
                "; ".join(support),
                due.strftime("%d/%m/%Y") if isinstance(due, datetime.date) else due,
            ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2027)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    write_xlsx(OUT / "ke-hoach-mau.xlsx", args.year)
    write_csv(OUT / "ke-hoach-mau.csv", args.year)
    print(f"Wrote {OUT / 'ke-hoach-mau.xlsx'} and {OUT / 'ke-hoach-mau.csv'}")


if __name__ == "__main__":
    main()
