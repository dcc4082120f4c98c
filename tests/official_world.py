"""A closed period with every class, for the official report's and the public page's tests.

Last year's plan (so its year period has certainly ended), two areas, unit A and unit B:
done on time, done late, overdue, in progress (an ongoing task), one target with its actual.
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

from plans.models import Indicator, IndicatorValue, ReportingPeriod
from insight.services import close_period
from plans.services import ensure_periods
from tests.factories import AssignmentFactory, PlanFactory, ReformAreaFactory, TaskFactory


def build(*, unit_a, unit_b, coordinator, close: bool = True) -> SimpleNamespace:
    year = datetime.date.today().year - 1
    plan = PlanFactory(year=year, title=f"Kế hoạch cải cách hành chính năm {year}")
    area_1 = ReformAreaFactory(plan=plan, number=1, name="Cải cách thể chế")
    area_2 = ReformAreaFactory(plan=plan, number=2, name="Cải cách thủ tục hành chính")
    day = lambda m, d: datetime.date(year, m, d)  # noqa: E731
    t1 = TaskFactory(plan=plan, area=area_1, code="1.1", title="Rà soát văn bản",
                     due_date=day(3, 1))
    t2 = TaskFactory(plan=plan, area=area_1, code="1.2", title="Công bố thủ tục",
                     due_date=day(4, 1))
    t3 = TaskFactory(plan=plan, area=area_2, code="2.1", title="Số hóa hồ sơ",
                     due_date=day(5, 1))
    t4 = TaskFactory(plan=plan, area=area_2, code="2.2", title="Duy trì một cửa",
                     due_date=None)
    a_on_time = AssignmentFactory(task=t1, unit=unit_a, completed_on=day(2, 20),
                                  latest_percent=100)
    a_late = AssignmentFactory(task=t2, unit=unit_b, completed_on=day(4, 10),
                               latest_percent=100)
    a_overdue = AssignmentFactory(task=t3, unit=unit_a)
    a_overdue_b = AssignmentFactory(task=t3, unit=unit_b)
    a_ongoing = AssignmentFactory(task=t4, unit=unit_b)
    ensure_periods(plan)
    period = plan.periods.get(kind=ReportingPeriod.Kind.YEAR)
    q1 = plan.periods.get(kind=ReportingPeriod.Kind.Q1)
    indicator = Indicator.objects.create(plan=plan, name="Tỷ lệ hồ sơ đúng hạn",
                                         comparison="gte", target=Decimal("95"))
    IndicatorValue.objects.create(indicator=indicator, period=period, actual=Decimal("97.5"),
                                  entered_by=coordinator)
    if close:
        close_period(period=period, user=coordinator)
        period.refresh_from_db()
    return SimpleNamespace(plan=plan, period=period, open_period=q1, areas=[area_1, area_2],
                           assignments=[a_on_time, a_late, a_overdue, a_overdue_b, a_ongoing],
                           indicator=indicator)
