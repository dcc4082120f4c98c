"""The official report's fixed wording and the tables it shares with its XLSX annexes.

An official document (văn bản hành chính) is written in Vietnamese whatever the reader's
interface language (Decree 30/2020/NĐ-CP), so these strings are not translated.
"""

import datetime
import re

from plans.models import ReportingPeriod
from reports.figures import PeriodFigures, area_tasks, done_share

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
TITLE = "BÁO CÁO"
SIGNED = "(Đã ký)"

PERIOD_WORDS = {
    ReportingPeriod.Kind.Q1: "quý I năm {year}",
    ReportingPeriod.Kind.H1: "6 tháng đầu năm {year}",
    ReportingPeriod.Kind.Q3: "quý III năm {year}",
    ReportingPeriod.Kind.YEAR: "năm {year}",
}
SECTION_HEADINGS = {
    "direction": "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH",
    "results": "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH",
    "assessment": "III. ĐÁNH GIÁ CHUNG",
    "next_tasks": "IV. NHIỆM VỤ TRỌNG TÂM KỲ TỚI",
    "proposals": "V. ĐỀ XUẤT, KIẾN NGHỊ",
}
CLASS_WORDS = {
    "on_time": "Hoàn thành đúng hạn",
    "late": "Hoàn thành quá hạn",
    "in_progress": "Đang thực hiện trong hạn",
    "overdue": "Quá hạn",
}
LIST_WORDS = {
    "on_time": "Nhiệm vụ hoàn thành đúng hạn",
    "late": "Nhiệm vụ hoàn thành quá hạn",
    "overdue": "Nhiệm vụ quá hạn",
}
RESULT_WORDS = {"on_time": "Hoàn thành đúng hạn", "late": "Hoàn thành quá hạn",
                "overdue": "Quá hạn"}
# The tasks named in an area's paragraph of section II, and the units named for each (a task
# given to every district would fill half a page); Annex III names them all.
NARRATIVE_TASKS = 5
NARRATIVE_UNITS = 3
NO_TASK_LISTS = (
    "Kỳ báo cáo này được khóa sổ trước khi Cổng lưu danh sách nhiệm vụ theo từng lĩnh vực, nên "
    "báo cáo chỉ nêu số lượng; các nhiệm vụ quá hạn được liệt kê tại Phụ lục II."
)
COMPARISON = {"gte": "≥", "gt": ">", "lte": "≤"}
ROLE_WORDS = {"lead": "Chủ trì", "support": "Phối hợp"}

# Characters XML 1.0 cannot carry (a DOCX is XML): removed, never a failure while generating.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str) -> str:
    return _XML_ILLEGAL.sub("", text or "")


def period_words(period: ReportingPeriod) -> str:
    return PERIOD_WORDS[period.kind].format(year=period.plan.year)


def report_title(period: ReportingPeriod) -> str:
    return f"Kết quả thực hiện công tác cải cách hành chính {period_words(period)}"


def dmy(value: str | datetime.date | None) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    return value.strftime("%d/%m/%Y")


def place_and_date(place: str, day: datetime.date | None) -> str:
    if day is None:
        return f"{place}, ngày ... tháng ... năm ..."
    # Decree 30: days below 10 and months below 3 take a leading zero.
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def number_line(number: str, suffix: str) -> str:
    return f"Số: {number or '...'}/{suffix}"


def area_name(label: str) -> str:
    """ "2. Cải cách thủ tục hành chính" -> "Cải cách thủ tục hành chính" """
    number, dot, name = label.partition(". ")
    return name if dot and number.isdigit() else label


def percent(value: float) -> str:
    """52.5 -> "52,5" (Vietnamese decimal comma)."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def number_text(value: str | None) -> str:
    return (value or "").replace(".", ",")


# --- Tables (the DOCX's and the XLSX annexes': the same rows) -----------------------------------

CLASS_HEADER = ["Tổng số", *CLASS_WORDS.values(), "Tỷ lệ hoàn thành (%)"]


def _class_cells(row: dict) -> list:
    return [row["total"], row["on_time"], row["late"], row["in_progress"], row["overdue"],
            percent(done_share(row))]


def area_table(figures: PeriodFigures) -> tuple[list[str], list[list]]:
    data = figures.data
    rows = [[i, area_name(r["label"]), *_class_cells(r)]
            for i, r in enumerate(data["by_area"], 1)]
    rows.append(["", "Tổng cộng", *_class_cells(data["totals"])])
    return ["STT", "Lĩnh vực cải cách", *CLASS_HEADER], rows


def unit_table(figures: PeriodFigures) -> tuple[list[str], list[list]]:
    rows = [[i, r["label"], *_class_cells(r)] for i, r in enumerate(figures.data["by_unit"], 1)]
    return ["STT", "Đơn vị", *CLASS_HEADER], rows


def overdue_table(figures: PeriodFigures) -> tuple[list[str], list[list]]:
    rows = [
        [i, f"{r['task_code']} {r['task_title']}", r["unit_name"], ROLE_WORDS.get(r["role"], ""),
         dmy(r["due_date"]), r["days_late"]]
        for i, r in enumerate(figures.data["overdue"], 1)
    ]
    return ["STT", "Nhiệm vụ", "Đơn vị", "Vai trò", "Hạn", "Số ngày quá hạn"], rows


def task_name(task: dict, cap: int | None = NARRATIVE_UNITS) -> str:
    """ "2.1 Số hóa hồ sơ (Sở Tư pháp, Huyện Anh Sơn, Sở Y tế và 12 đơn vị khác)" """
    names = [name for name in task["unit_names"] if name]
    shown = names if cap is None or len(names) <= cap else names[:cap]
    units = ", ".join(shown)
    if len(shown) < len(names):
        units += f" và {len(names) - len(shown)} đơn vị khác"
    return f"{task['task_code']} {task['task_title']}" + (f" ({units})" if units else "")


def task_sentence(kind: str, tasks: list[dict], cap: int = NARRATIVE_TASKS) -> str:
    """ "Nhiệm vụ quá hạn (7 nhiệm vụ): 2.1 Số hóa hồ sơ (Sở Tư pháp); ... và 2 nhiệm vụ khác." """
    named = "; ".join(task_name(task) for task in tasks[:cap])
    more = f" và {len(tasks) - cap} nhiệm vụ khác (Phụ lục III)" if len(tasks) > cap else ""
    return f"{LIST_WORDS[kind]} ({len(tasks)} nhiệm vụ): {named}{more}."


class Group(str):
    """A table row that heads a group (a reform area): one merged cell, in bold."""


def task_table(figures: PeriodFigures) -> tuple[list[str], list]:
    """Annex III: every task done on time, done late and overdue, by reform area, with its lead
    units. Empty for a report frozen before it kept the lists."""
    by_area = area_tasks(figures.data) or {}
    rows: list = []
    number = 0
    for index, area in enumerate(figures.data["areas"], 1):
        lists = by_area.get(area["id"], {})
        tasks = [(kind, task) for kind in LIST_WORDS for task in lists.get(kind, [])]
        if not tasks:
            continue
        # Numbered as in section II and Table 1 (1, 2, ...), not by the area's own number.
        rows.append(Group(f"{index}. {area_name(area['label'])}"))
        for kind, task in tasks:
            number += 1
            rows.append([number, f"{task['task_code']} {task['task_title']}",
                         ", ".join(n for n in task["unit_names"] if n), RESULT_WORDS[kind]])
    return ["STT", "Nhiệm vụ", "Đơn vị chủ trì", "Kết quả"], rows


def indicator_table(figures: PeriodFigures) -> tuple[list[str], list[list]]:
    rows = []
    for i, r in enumerate(figures.indicators, 1):
        unit = r["unit_of_measure"]
        target = f"{COMPARISON[r['comparison']]} {number_text(r['target'])} {unit}".strip()
        actual = f"{number_text(r['actual'])} {unit}".strip() if r["actual"] else "Chưa có số liệu"
        met = {True: "Đạt", False: "Chưa đạt", None: ""}[r["met"]]
        rows.append([i, r["name"], target, actual, met])
    return ["STT", "Chỉ tiêu", "Chỉ tiêu kế hoạch", "Kết quả", "Đánh giá"], rows


def class_sentence(row: dict) -> str:
    return (
        f"Tổng số {row['total']} lượt nhiệm vụ đến hạn trong kỳ: hoàn thành đúng hạn "
        f"{row['on_time']}; hoàn thành quá hạn {row['late']}; đang thực hiện trong hạn "
        f"{row['in_progress']}; quá hạn {row['overdue']} (tỷ lệ hoàn thành "
        f"{percent(done_share(row))}%)."
    )
