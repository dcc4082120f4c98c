"""Working days (ngày làm việc): Monday to Friday, less Vietnam's public holidays (Tết by the
lunar calendar included, from the holidays library), less the government's announced extra days
off, plus the Saturdays it announces as worked in exchange (CalendarDay, edited in admin)."""

import datetime
from functools import cached_property

import holidays

from notifications.models import CalendarDay


class WorkingCalendar:
    """Loaded once for a span of years (one query), then answered in memory."""

    def __init__(self, years: range | list[int]):
        self.years = list(years)
        self._public = holidays.country_holidays("VN", years=self.years)

    @cached_property
    def _exceptions(self) -> dict[datetime.date, str]:
        start = datetime.date(min(self.years), 1, 1)
        end = datetime.date(max(self.years), 12, 31)
        return dict(CalendarDay.objects.filter(date__range=(start, end))
                    .values_list("date", "kind"))

    @classmethod
    def around(cls, day: datetime.date) -> "WorkingCalendar":
        return cls(range(day.year - 1, day.year + 2))

    def is_working_day(self, day: datetime.date) -> bool:
        exception = self._exceptions.get(day)
        if exception == CalendarDay.Kind.WORKING_DAY:
            return True
        if exception == CalendarDay.Kind.DAY_OFF:
            return False
        return day.weekday() < 5 and day not in self._public

    def add_working_days(self, day: datetime.date, count: int) -> datetime.date:
        """The working day `count` working days after `day` (before it when negative)."""
        step = 1 if count >= 0 else -1
        remaining = abs(count)
        while remaining:
            day += datetime.timedelta(days=step)
            if self.is_working_day(day):
                remaining -= 1
        return day

    @cached_property
    def _running_count(self) -> dict[datetime.date, int]:
        # Working days from the span's start to each date: a difference of two lookups then
        # counts the working days between any two dates (overdue days of many assignments).
        day, end = datetime.date(min(self.years), 1, 1), datetime.date(max(self.years), 12, 31)
        counts, total = {}, 0
        while day <= end:
            total += self.is_working_day(day)
            counts[day] = total
            day += datetime.timedelta(days=1)
        return counts

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after `start` up to and including `end` (0 when end <= start)."""
        if end <= start:
            return 0
        counts = self._running_count
        if start in counts and end in counts:
            return counts[end] - counts[start]
        count, day = 0, start  # outside the loaded span: day by day
        while day < end:
            day += datetime.timedelta(days=1)
            count += self.is_working_day(day)
        return count

    def first_working_day_of_week(self, day: datetime.date) -> datetime.date | None:
        monday = day - datetime.timedelta(days=day.weekday())
        for offset in range(7):
            candidate = monday + datetime.timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        return None
