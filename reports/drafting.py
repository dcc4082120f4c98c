"""The narrative's first draft, written from the figures: which units are late, and on what.

The coordinator edits it before generating the report; these are only the words to start from.
"""

from collections import defaultdict

from reports.figures import PeriodFigures
from reports.wording import dmy, percent, period_words

MAX_UNITS = 5  # the units named in the draft: the worst ones; the annexes list them all


def _late_units(figures: PeriodFigures) -> list[tuple[str, list[str]]]:
    """[(unit name, [task codes overdue])], most overdue first."""
    tasks: dict[str, list[str]] = defaultdict(list)
    for row in figures.data["overdue"]:
        if row["task_code"] not in tasks[row["unit_name"]]:
            tasks[row["unit_name"]].append(row["task_code"])
    return sorted(tasks.items(), key=lambda item: (-len(item[1]), item[0]))


def draft(figures: PeriodFigures) -> dict[str, str]:
    data = figures.data
    period = figures.period
    plan = data["plan"]
    totals = data["totals"]
    words = period_words(period)
    document = plan["document_number"] and f" (Kế hoạch số {plan['document_number']}" + (
        f" ngày {dmy(plan['document_date'])})" if plan["document_date"] else ")")
    direction = (
        f"Trong {words}, Ủy ban nhân dân tỉnh tiếp tục chỉ đạo các sở, ban, ngành và địa "
        f"phương triển khai {plan['title']}{document or ''}, theo phương châm “rõ người, rõ "
        f"việc, rõ thời gian, rõ sản phẩm”.\n"
        f"Sở Nội vụ theo dõi, đôn đốc tiến độ trên Cổng theo dõi Kế hoạch cải cách hành chính: "
        f"{totals['total']} lượt nhiệm vụ đến hạn trong kỳ (số liệu từ ngày "
        f"{dmy(data['period']['start_date'])} đến ngày {dmy(data['period']['end_date'])})."
    )

    late = _late_units(figures)
    if late:
        named = "; ".join(
            f"{unit} ({len(codes)} nhiệm vụ: {', '.join(codes[:6])}"
            f"{', ...' if len(codes) > 6 else ''})"
            for unit, codes in late[:MAX_UNITS]
        )
        more = f" và {len(late) - MAX_UNITS} đơn vị khác" if len(late) > MAX_UNITS else ""
        shortcomings = (
            f"Tồn tại, hạn chế: đến ngày {dmy(data['as_of'])} còn {totals['overdue']} lượt "
            f"nhiệm vụ quá hạn tại {len(late)} đơn vị, gồm: {named}{more}."
        )
        pressing = (
            f"Các đơn vị còn nhiệm vụ quá hạn ({', '.join(u for u, _c in late[:MAX_UNITS])}"
            f"{more}) khẩn trương hoàn thành, báo cáo kết quả và tài liệu kiểm chứng về Sở Nội vụ."
        )
    else:
        shortcomings = (
            f"Tồn tại, hạn chế: đến ngày {dmy(data['as_of'])} không có nhiệm vụ quá hạn."
        )
        pressing = "Các đơn vị tiếp tục duy trì tiến độ thực hiện nhiệm vụ đúng hạn."
    assessment = (
        f"Kết quả chung: tỷ lệ hoàn thành {percent(_share(totals))}% ({totals['on_time']} đúng "
        f"hạn, {totals['late']} quá hạn), {totals['in_progress']} lượt nhiệm vụ đang thực hiện "
        f"trong hạn.\n{shortcomings}\n"
        "Nguyên nhân: (Sở Nội vụ bổ sung nguyên nhân chủ quan, khách quan.)"
    )
    next_tasks = (
        f"{pressing}\nTiếp tục thực hiện {totals['in_progress']} lượt nhiệm vụ đang trong hạn; "
        "cập nhật tiến độ thường xuyên trên Cổng theo dõi."
    )
    proposals = "(Sở Nội vụ bổ sung đề xuất, kiến nghị với Bộ Nội vụ và các cơ quan Trung ương.)"
    return {"direction": direction, "assessment": assessment, "next_tasks": next_tasks,
            "proposals": proposals}


def _share(row: dict) -> float:
    return 100 * (row["on_time"] + row["late"]) / row["total"] if row["total"] else 0.0
