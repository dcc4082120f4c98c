import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from plans.models import Plan, ReformArea
from solutions.models import Assignment, ProgressEntry, Solution, Task
from units.models import Membership, Unit

PASSWORD = "test-pass-2024"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def groups(self, create, names, **kwargs):
        for name in names or []:
            self.groups.add(Group.objects.get_or_create(name=name)[0])


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{n:04d}")
    name = factory.Sequence(lambda n: f"Đơn vị số {n}")
    kind = Unit.Kind.PROVINCIAL


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    role = Membership.Role.STAFF


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    year = 2026
    title = factory.LazyAttribute(lambda p: f"Kế hoạch cải cách hành chính năm {p.year}")
    start_date = factory.LazyAttribute(lambda p: datetime.date(p.year, 1, 1))
    end_date = factory.LazyAttribute(lambda p: datetime.date(p.year, 12, 31))
    status = Plan.Status.ACTIVE


class ReformAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReformArea
        django_get_or_create = ("plan", "number")

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: n % 6 + 1)
    name = factory.LazyAttribute(lambda a: f"Lĩnh vực {a.number}")


class SolutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Solution
        django_get_or_create = ("plan", "number")

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: n % 10 + 1)
    title = factory.LazyAttribute(lambda s: f"Giải pháp {s.number}")


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    plan = factory.SubFactory(PlanFactory)
    area = factory.SubFactory(ReformAreaFactory, plan=factory.SelfAttribute("..plan"))
    solution = factory.SubFactory(SolutionFactory, plan=factory.SelfAttribute("..plan"))
    code = factory.Sequence(lambda n: f"{n % 6 + 1}.{n}")
    title = factory.Sequence(lambda n: f"Rà soát thủ tục hành chính số {n}")
    expected_output = "Báo cáo kết quả rà soát"
    due_date = factory.LazyAttribute(lambda t: datetime.date(t.plan.year, 6, 30))


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    task = factory.SubFactory(TaskFactory)
    unit = factory.SubFactory(UnitFactory)
    role = Assignment.Role.LEAD
    due_date = factory.LazyAttribute(lambda a: a.task.due_date)
    original_due_date = factory.LazyAttribute(lambda a: a.due_date)


class ProgressEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressEntry

    assignment = factory.SubFactory(AssignmentFactory)
    percent = 50
    note = "Đã triển khai một phần"
    reported_by = factory.SubFactory(UserFactory)
