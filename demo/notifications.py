"""Demo data of the update loop (issue 11): addresses and preferences of the demo accounts, a
contact person, a conversation on one of Thành phố Vinh's assignments and a few notices, so
that `make run` shows the bell with unread items for staff.vinh and the coordinator.
Idempotent: a second run creates nothing new (notices carry once-only keys; the conversation is
written only if the assignment has none)."""

import datetime
from typing import IO

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from notifications.models import Kind
from notifications.services import notify
from plans.models import Plan
from solutions.models import Assignment, Comment
from units.models import Membership, Profile

DOMAIN = "demo.cchc.nghean.gov.vn"
PHONES = {"staff.tuphap": "0238 3844 201", "head.tuphap": "0238 3844 202",
          "staff.vinh": "0238 3598 310", "coordinator": "0238 3842 105"}


def load(*, today: datetime.date, password: str, stdout: IO[str] | None = None) -> dict:
    User = get_user_model()
    created = {"profiles": 0, "comments": 0, "notices": 0}
    with transaction.atomic():
        people = {u.username: u for u in User.objects.filter(
            username__in=["admin", "coordinator", "leader", "staff.tuphap", "head.tuphap",
                          "staff.vinh"])}
        for username, user in people.items():
            if not user.email:
                user.email = f"{username}@{DOMAIN}"
                user.save(update_fields=["email"])
            _profile, made = Profile.objects.get_or_create(
                user=user, defaults={"phone": PHONES.get(username, ""),
                                     "digest_time": datetime.time(7, 30)})
            created["profiles"] += made
        # The head of Sở Tư pháp wants a weekly digest; the leader none.
        Profile.objects.filter(user__username="head.tuphap").update(digest_frequency="weekly")
        Profile.objects.filter(user__username="leader").update(digest_frequency="off")
        Membership.objects.filter(user__username="staff.tuphap", is_contact=False).update(
            is_contact=True)

        vinh, coordinator = people.get("staff.vinh"), people.get("coordinator")
        if vinh is None or coordinator is None:
            return created
        assignment = (
            Assignment.objects.filter(unit__memberships__user=vinh,
                                      task__plan__status=Plan.Status.ACTIVE,
                                      completed_on__isnull=True)
            .select_related("task", "unit").order_by("due_date", "pk").first()
        )
        if assignment is None:
            return created
        if not assignment.comments.exists():
            now = timezone.now()
            Comment.objects.create(
                assignment=assignment, author=coordinator, created_at=now - datetime.timedelta(hours=3),
                body="Đề nghị đơn vị bổ sung kế hoạch triển khai và danh sách cán bộ đầu mối "
                     "trước khi báo cáo 100%.")
            Comment.objects.create(
                assignment=assignment, author=vinh, created_at=now - datetime.timedelta(hours=1),
                body="Đơn vị đã hoàn thiện dự thảo kế hoạch, sẽ gửi kèm quyết định ban hành "
                     "trong tuần này.")
            created["comments"] += 2
        url = assignment.get_absolute_url()
        label = f"{assignment.task.code} · {assignment.unit.label}"
        for key, user, kind, subject, body, link in [
            ("demo:comment-vinh", vinh, Kind.COMMENT, f"Trao đổi mới: {label}",
             "Đề nghị đơn vị bổ sung kế hoạch triển khai và danh sách cán bộ đầu mối.",
             url + "#conversation"),
            ("demo:reminder-vinh", vinh, Kind.REMINDER, f"Nhắc việc: {label}",
             "Sở Nội vụ đề nghị đơn vị cập nhật tiến độ trước ngày chốt số liệu.", url),
            ("demo:comment-coordinator", coordinator, Kind.COMMENT, f"Trao đổi mới: {label}",
             "Đơn vị đã hoàn thiện dự thảo kế hoạch.", url + "#conversation"),
            ("demo:awaiting-coordinator", coordinator, Kind.AWAITING,
             "Có báo cáo 100% chờ xác nhận", "Xem danh sách báo cáo chờ xác nhận.",
             "/verification/"),
        ]:
            made = notify(users=[user], kind=kind, subject=subject, body=body, url=link,
                          assignment=assignment if link.startswith(url) else None,
                          dedupe_key=key)
            created["notices"] += len(made)
    if stdout is not None:
        stdout.write(f"notifications: {created}\n")
    return created
