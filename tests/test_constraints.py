"""The database keeps the invariants even when code bypasses forms and clean()."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from plans.models import Plan, ReformArea
from solutions.models import Assignment, Solution, Task
from tests.factories import (
    AssignmentFactory,
    PlanFactory,
    ProgressEntryFactory,
    ReformAreaFactory,
    SolutionFactory,
    TaskFactory,
    UnitFactory,
)
from units.models import Unit

pytestmark = pytest.mark.django_db


def check_deferred_now():
    """The composite foreign keys are DEFERRABLE INITIALLY DEFERRED: check them now."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@pytest.fixture
def plan():
    return PlanFactory(year=2025)


@pytest.fixture
def other_plan():
    return PlanFactory(year=2024)


class TestAssignment:
    def test_percent_over_100(self):
        assignment = AssignmentFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            Assignment.objects.filter(pk=assignment.pk).update(latest_percent=101)
        assert Assignment.objects.get(pk=assignment.pk).latest_percent == 0

    def test_negative_percent(self):
        assignment = AssignmentFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            Assignment.objects.filter(pk=assignment.pk).update(latest_percent=-1)

    def test_percent_100_is_allowed(self):
        assignment = AssignmentFactory(latest_percent=100, completed_on=datetime.date(2025, 1, 2))
        assert Assignment.objects.get(pk=assignment.pk).completed_on == datetime.date(2025, 1, 2)

    def test_completed_below_100(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            AssignmentFactory(latest_percent=99, completed_on=datetime.date(2025, 1, 2))

    def test_completed_below_100_by_update(self):
        assignment = AssignmentFactory(latest_percent=100, completed_on=datetime.date(2025, 1, 2))
        with pytest.raises(IntegrityError), transaction.atomic():
            Assignment.objects.filter(pk=assignment.pk).update(latest_percent=90)

    def test_one_assignment_per_task_and_unit(self):
        assignment = AssignmentFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            Assignment.objects.create(
                task=assignment.task, unit=assignment.unit, role=Assignment.Role.SUPPORT
            )
        assert Assignment.objects.filter(task=assignment.task).count() == 1

    def test_same_unit_on_another_task_is_fine(self):
        assignment = AssignmentFactory()
        other = AssignmentFactory(task=TaskFactory(plan=assignment.task.plan),
                                  unit=assignment.unit)
        assert other.pk != assignment.pk


class TestProgressEntry:
    def test_percent_over_100(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            ProgressEntryFactory(percent=101)

    def test_negative_percent(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            ProgressEntryFactory(percent=-1)

    def test_empty_note(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            ProgressEntryFactory(note="")

    def test_bounds_are_allowed(self):
        assert ProgressEntryFactory(percent=0).pk
        assert ProgressEntryFactory(percent=100).pk

    def test_an_assignment_with_history_cannot_be_deleted(self):
        entry = ProgressEntryFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            # Bypass the ORM's PROTECT check: the database foreign key itself refuses.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(
                    "DELETE FROM solutions_assignment WHERE id = %s", [entry.assignment_id]
                )


class TestNumbersAndCodesPerPlan:
    def test_solution_number_unique_per_plan(self, plan):
        SolutionFactory(plan=plan, number=3)
        with pytest.raises(IntegrityError), transaction.atomic():
            Solution.objects.create(plan=plan, number=3, title="Trùng số")

    def test_solution_number_may_repeat_across_plans(self, plan, other_plan):
        SolutionFactory(plan=plan, number=3)
        assert Solution.objects.create(plan=other_plan, number=3, title="Năm khác").pk

    @pytest.mark.parametrize("number", [0, 11])
    def test_solution_number_out_of_range(self, plan, number):
        with pytest.raises(IntegrityError), transaction.atomic():
            Solution.objects.create(plan=plan, number=number, title="Ngoài khoảng")

    @pytest.mark.parametrize("number", [1, 10])
    def test_solution_number_bounds(self, plan, number):
        assert Solution.objects.create(plan=plan, number=number, title="Biên").pk

    def test_area_number_unique_per_plan(self, plan):
        ReformAreaFactory(plan=plan, number=2)
        with pytest.raises(IntegrityError), transaction.atomic():
            ReformArea.objects.create(plan=plan, number=2, name="Trùng số")

    def test_area_number_may_repeat_across_plans(self, plan, other_plan):
        ReformAreaFactory(plan=plan, number=2)
        assert ReformArea.objects.create(plan=other_plan, number=2, name="Năm khác").pk

    def test_area_number_out_of_range(self, plan):
        with pytest.raises(IntegrityError), transaction.atomic():
            ReformArea.objects.create(plan=plan, number=21, name="Ngoài khoảng")

    def test_area_zero_is_allowed(self, plan):
        # 0 = "direction and management of PAR" (công tác chỉ đạo, điều hành).
        assert ReformArea.objects.create(plan=plan, number=0, name="Chỉ đạo, điều hành").pk

    def test_task_code_unique_per_plan(self, plan):
        TaskFactory(plan=plan, code="2.3")
        with pytest.raises(IntegrityError), transaction.atomic():
            TaskFactory(plan=plan, code="2.3")

    def test_task_code_may_repeat_across_plans(self, plan, other_plan):
        TaskFactory(plan=plan, code="2.3")
        assert TaskFactory(plan=other_plan, code="2.3").pk


class TestPlanAndUnit:
    def test_plan_end_before_start(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            Plan.objects.create(
                year=2025, title="Sai ngày",
                start_date=datetime.date(2025, 12, 31), end_date=datetime.date(2025, 1, 1),
            )

    def test_plan_of_one_day_is_allowed(self):
        day = datetime.date(2025, 5, 5)
        assert Plan.objects.create(year=2025, title="Một ngày", start_date=day, end_date=day).pk

    @pytest.mark.parametrize("year", [1999, 2101])
    def test_plan_year_out_of_range(self, year):
        with pytest.raises(IntegrityError), transaction.atomic():
            PlanFactory(year=year, start_date=datetime.date(2025, 1, 1),
                        end_date=datetime.date(2025, 12, 31))

    def test_unit_active_to_before_active_from(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            UnitFactory(active_from=datetime.date(2025, 7, 1),
                        active_to=datetime.date(2025, 6, 30))

    def test_unit_active_period_of_one_day_or_open_is_allowed(self):
        day = datetime.date(2025, 7, 1)
        assert UnitFactory(active_from=day, active_to=day).pk
        assert UnitFactory(active_from=None, active_to=day).pk
        assert UnitFactory(active_from=day, active_to=None).pk

    def test_unit_code_unique(self):
        UnitFactory(code="000.00.01.H41")
        with pytest.raises(IntegrityError), transaction.atomic():
            UnitFactory(code="000.00.01.H41")

    def test_unit_cannot_be_its_own_parent_or_successor(self):
        unit = UnitFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            Unit.objects.filter(pk=unit.pk).update(parent=unit)
        with pytest.raises(IntegrityError), transaction.atomic():
            Unit.objects.filter(pk=unit.pk).update(successor=unit)


class TestTaskBelongsToOnePlan:
    """The area and the solution of a task belong to the task's plan (migration 0002)."""

    def _task_kwargs(self, plan, **extra):
        return {
            "plan": plan, "code": "9.9", "title": "Nhiệm vụ", "expected_output": "Báo cáo",
            **extra,
        }

    def test_area_of_another_plan_is_refused_by_the_database(self, plan, other_plan):
        foreign_area = ReformAreaFactory(plan=other_plan, number=1)
        check_deferred_now()
        with pytest.raises(IntegrityError), transaction.atomic():
            Task.objects.create(**self._task_kwargs(plan, area=foreign_area))
        assert not Task.objects.filter(code="9.9").exists()

    def test_solution_of_another_plan_is_refused_by_the_database(self, plan, other_plan):
        area = ReformAreaFactory(plan=plan, number=1)
        foreign_solution = SolutionFactory(plan=other_plan, number=1)
        check_deferred_now()
        with pytest.raises(IntegrityError), transaction.atomic():
            Task.objects.create(
                **self._task_kwargs(plan, area=area, solution=foreign_solution)
            )

    def test_area_and_solution_of_the_same_plan_are_accepted(self, plan):
        area = ReformAreaFactory(plan=plan, number=1)
        solution = SolutionFactory(plan=plan, number=1)
        check_deferred_now()
        task = Task.objects.create(**self._task_kwargs(plan, area=area, solution=solution))
        assert task.pk
        task.full_clean()  # and clean() agrees

    def test_no_solution_is_accepted(self, plan):
        area = ReformAreaFactory(plan=plan, number=1)
        check_deferred_now()
        assert Task.objects.create(**self._task_kwargs(plan, area=area, solution=None)).pk

    def test_moving_a_task_to_another_plan_alone_is_refused(self, plan, other_plan):
        task = TaskFactory(plan=plan)
        check_deferred_now()
        with pytest.raises(IntegrityError), transaction.atomic():
            Task.objects.filter(pk=task.pk).update(plan=other_plan)

    def test_moving_an_area_with_tasks_to_another_plan_is_refused(self, plan, other_plan):
        task = TaskFactory(plan=plan)
        check_deferred_now()
        with pytest.raises(IntegrityError), transaction.atomic():
            ReformArea.objects.filter(pk=task.area_id).update(plan=other_plan)

    def test_full_clean_names_the_area_field(self, plan, other_plan):
        foreign_area = ReformAreaFactory(plan=other_plan, number=1)
        task = Task(**self._task_kwargs(plan, area=foreign_area))
        with pytest.raises(ValidationError) as caught:
            task.full_clean()
        assert set(caught.value.message_dict) == {"area"}

    def test_full_clean_names_the_solution_field(self, plan, other_plan):
        area = ReformAreaFactory(plan=plan, number=1)
        foreign_solution = SolutionFactory(plan=other_plan, number=1)
        task = Task(**self._task_kwargs(plan, area=area, solution=foreign_solution))
        with pytest.raises(ValidationError) as caught:
            task.full_clean()
        assert set(caught.value.message_dict) == {"solution"}


@pytest.mark.django_db(transaction=True)
def test_area_of_another_plan_is_refused_at_commit():
    """Deferred: the insert itself passes, the COMMIT fails, and nothing is kept."""
    plan, other_plan = PlanFactory(year=2025), PlanFactory(year=2024)
    foreign_area = ReformAreaFactory(plan=other_plan, number=1)

    with pytest.raises(IntegrityError):
        with transaction.atomic():
            Task.objects.create(plan=plan, area=foreign_area, code="9.9", title="Nhiệm vụ",
                                expected_output="Báo cáo")
            # Still inside the transaction: the row is there until COMMIT checks it.
            assert Task.objects.filter(code="9.9").exists()

    assert not Task.objects.filter(code="9.9").exists()
