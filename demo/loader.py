"""Demo data for `manage.py load_demo`: Nghệ An's units, the 2024 plan and a live current-year plan.

Everything is keyed by natural keys (unit code, plan year and title, area and solution number, task
code, task and unit), so a second run changes nothing but the demo passwords. Facts come from the
published facts of the 2024 plan; document numbers and people are invented.

The current-year plan is dated relative to `today` when it is first created, so that the dashboard
shows every timeliness class, and the coordinator's work: 100% reports awaiting verification,
reports returned with a reason, deadline extensions. Every completion was verified by the
coordinator, a little after the unit's first 100% report. Later runs do not move its deadlines or
rewrite its history: like real data, it ages (delete the database to get a fresh mix). Reports,
decisions and extensions are append-only (PostgreSQL refuses to change them), so each is written
once, right; only what is missing is added (a demo loaded before verification existed gets its
completions verified).
"""

import copy
import datetime
import os
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AbstractUser, Group
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone

from demo import index as demo_index
from demo import notifications as demo_notifications
from demo import public as demo_public
from demo import surveys as demo_surveys
from plans.models import Plan, ReformArea
from solutions.models import (
    Assignment,
    DeadlineExtension,
    ProgressEntry,
    Solution,
    Task,
    Verification,
)
from solutions.services import assign_task
from units.access import COORDINATORS_GROUP, LEADERS_GROUP
from units.models import Membership, Profile, Unit

DEFAULT_PASSWORD = "demo-pass-2024"

# --- Units ----------------------------------------------------------------------------------------

# (code, name, short name): the provincial agencies (sở, ban, ngành) of 2024.
PROVINCIAL_2024 = [
    ("VPUBND", "Văn phòng UBND tỉnh", "Văn phòng UBND tỉnh"),
    ("SNV", "Sở Nội vụ", "Nội vụ"),
    ("STP", "Sở Tư pháp", "Tư pháp"),
    ("STC", "Sở Tài chính", "Tài chính"),
    ("SKHDT", "Sở Kế hoạch và Đầu tư", "Kế hoạch và Đầu tư"),
    ("STTTT", "Sở Thông tin và Truyền thông", "Thông tin và Truyền thông"),
    ("SLDTBXH", "Sở Lao động – Thương binh và Xã hội", "Lao động – TB&XH"),
    ("SNNPTNT", "Sở Nông nghiệp và Phát triển nông thôn", "Nông nghiệp và PTNT"),
    ("STNMT", "Sở Tài nguyên và Môi trường", "Tài nguyên và Môi trường"),
    ("SXD", "Sở Xây dựng", "Xây dựng"),
    ("SGTVT", "Sở Giao thông vận tải", "Giao thông vận tải"),
    ("SKHCN", "Sở Khoa học và Công nghệ", "Khoa học và Công nghệ"),
    ("SVHTT", "Sở Văn hóa và Thể thao", "Văn hóa và Thể thao"),
    ("SDL", "Sở Du lịch", "Du lịch"),
    ("SCT", "Sở Công Thương", "Công Thương"),
    ("SGDDT", "Sở Giáo dục và Đào tạo", "Giáo dục và Đào tạo"),
    ("SYT", "Sở Y tế", "Y tế"),
    ("SNGV", "Sở Ngoại vụ", "Ngoại vụ"),
    ("BDT", "Ban Dân tộc", "Ban Dân tộc"),
    ("TTR", "Thanh tra tỉnh", "Thanh tra tỉnh"),
    ("BQLKKT", "Ban Quản lý Khu kinh tế Đông Nam", "BQL KKT Đông Nam"),
]
# Created by the merger of 1/3/2025.
PROVINCIAL_2025 = [
    ("SNNMT", "Sở Nông nghiệp và Môi trường", "Nông nghiệp và Môi trường"),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", "Văn hóa, Thể thao và Du lịch"),
    ("SDTTG", "Sở Dân tộc và Tôn giáo", "Dân tộc và Tôn giáo"),
]
PROVINCIAL_MERGER = datetime.date(2025, 3, 1)
# Agency merged away on 1/3/2025 -> the agency that took over its work.
MERGED_2025 = {
    "SLDTBXH": "SNV",
    "SKHDT": "STC",
    "STTTT": "SKHCN",
    "SGTVT": "SXD",
    "SNNPTNT": "SNNMT",
    "STNMT": "SNNMT",
    "SVHTT": "SVHTTDL",
    "SDL": "SVHTTDL",
    "BDT": "SDTTG",
}

# District-level units with their national codes (province code 40).
DISTRICTS = [
    ("412", "Thành phố Vinh", "TP Vinh"),
    ("413", "Thị xã Cửa Lò", "TX Cửa Lò"),
    ("414", "Thị xã Thái Hòa", "TX Thái Hòa"),
    ("415", "Huyện Quế Phong", "Quế Phong"),
    ("416", "Huyện Quỳ Châu", "Quỳ Châu"),
    ("417", "Huyện Kỳ Sơn", "Kỳ Sơn"),
    ("418", "Huyện Tương Dương", "Tương Dương"),
    ("419", "Huyện Nghĩa Đàn", "Nghĩa Đàn"),
    ("420", "Huyện Quỳ Hợp", "Quỳ Hợp"),
    ("421", "Huyện Quỳnh Lưu", "Quỳnh Lưu"),
    ("422", "Huyện Con Cuông", "Con Cuông"),
    ("423", "Huyện Tân Kỳ", "Tân Kỳ"),
    ("424", "Huyện Anh Sơn", "Anh Sơn"),
    ("425", "Huyện Diễn Châu", "Diễn Châu"),
    ("426", "Huyện Yên Thành", "Yên Thành"),
    ("427", "Huyện Đô Lương", "Đô Lương"),
    ("428", "Huyện Thanh Chương", "Thanh Chương"),
    ("429", "Huyện Nghi Lộc", "Nghi Lộc"),
    ("430", "Huyện Nam Đàn", "Nam Đàn"),
    ("431", "Huyện Hưng Nguyên", "Hưng Nguyên"),
    ("432", "Thị xã Hoàng Mai", "TX Hoàng Mai"),
]
CUA_LO_MERGED_TO = datetime.date(2024, 11, 30)  # Cửa Lò joined Vinh on 1/12/2024
DISTRICTS_ABOLISHED_TO = datetime.date(2025, 6, 30)  # no district level from 1/7/2025

# The wards (phường) of the two-level local government, from 1/7/2025.
WARDS = [
    ("16681", "Phường Thành Vinh", "P. Thành Vinh"),
    ("16690", "Phường Trường Vinh", "P. Trường Vinh"),
    ("16702", "Phường Vinh Phú", "P. Vinh Phú"),
    ("16708", "Phường Vinh Lộc", "P. Vinh Lộc"),
    ("16732", "Phường Cửa Lò", "P. Cửa Lò"),
    ("16939", "Phường Thái Hoà", "P. Thái Hoà"),
    ("17011", "Phường Tây Hiếu", "P. Tây Hiếu"),
    ("17110", "Phường Hoàng Mai", "P. Hoàng Mai"),
    ("17125", "Phường Quỳnh Mai", "P. Quỳnh Mai"),
    ("17128", "Phường Tân Mai", "P. Tân Mai"),
    ("17920", "Phường Vinh Hưng", "P. Vinh Hưng"),
]
WARDS_FROM = datetime.date(2025, 7, 1)


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name: str
    short_name: str
    kind: str
    active_from: datetime.date | None = None
    active_to: datetime.date | None = None
    successor: str | None = None


def unit_specs() -> list[UnitSpec]:
    specs = [
        UnitSpec(code, name, short, Unit.Kind.PROVINCIAL,
                 active_to=PROVINCIAL_MERGER - datetime.timedelta(days=1) if code in MERGED_2025
                 else None,
                 successor=MERGED_2025.get(code))
        for code, name, short in PROVINCIAL_2024
    ]
    specs += [
        UnitSpec(code, name, short, Unit.Kind.PROVINCIAL, active_from=PROVINCIAL_MERGER)
        for code, name, short in PROVINCIAL_2025
    ]
    specs += [
        UnitSpec(code, name, short, Unit.Kind.DISTRICT,
                 active_to=CUA_LO_MERGED_TO if code == "413" else DISTRICTS_ABOLISHED_TO,
                 successor="412" if code == "413" else None)
        for code, name, short in DISTRICTS
    ]
    specs += [
        UnitSpec(code, name, short, Unit.Kind.COMMUNE, active_from=WARDS_FROM)
        for code, name, short in WARDS
    ]
    return specs


# Groups of units a task can go to at once ("UBND các huyện, thành phố, thị xã" ...).
UNIT_GROUPS = {
    "PROV": [code for code, _, _ in PROVINCIAL_2024],
    "DISTRICTS": [code for code, _, _ in DISTRICTS],
    "PROV_NOW": [code for code, _, _ in PROVINCIAL_2024 if code not in MERGED_2025]
    + [code for code, _, _ in PROVINCIAL_2025],
    "WARDS": [code for code, _, _ in WARDS],
}

# --- People ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UserSpec:
    username: str
    last_name: str  # họ và tên đệm
    first_name: str  # tên
    groups: tuple[str, ...] = ()
    memberships: tuple[tuple[str, str], ...] = ()  # (unit code, role)
    superuser: bool = False


USERS = [
    UserSpec("admin", "Trần Quốc", "Bảo", superuser=True),
    UserSpec("coordinator", "Nguyễn Thị Thu", "Hà", groups=(COORDINATORS_GROUP,)),
    UserSpec("leader", "Hoàng Văn", "Sơn", groups=(LEADERS_GROUP,)),
    UserSpec("staff.tuphap", "Phạm Thị", "Lan", memberships=(("STP", Membership.Role.STAFF),)),
    UserSpec("head.tuphap", "Đặng Văn", "Thành", memberships=(("STP", Membership.Role.HEAD),)),
    # Vinh city became wards in 2025: the same person follows both.
    UserSpec("staff.vinh", "Võ Đức", "Anh",
             memberships=(("412", Membership.Role.STAFF), ("16681", Membership.Role.STAFF))),
]
# Who reports for a unit in the demo history; every other unit's reports are keyed in by the
# coordinator (Sở Nội vụ collects them in practice).
REPORTERS = {"STP": "staff.tuphap", "412": "staff.vinh", "16681": "staff.vinh"}

# --- Plans ----------------------------------------------------------------------------------------

AREAS = [
    (0, "Công tác chỉ đạo, điều hành cải cách hành chính"),
    (1, "Cải cách thể chế"),
    (2, "Cải cách thủ tục hành chính"),
    (3, "Cải cách tổ chức bộ máy hành chính nhà nước"),
    (4, "Cải cách chế độ công vụ"),
    (5, "Cải cách tài chính công"),
    (6, "Xây dựng và phát triển Chính phủ điện tử, Chính phủ số"),
]

# The ten solutions of the 2024 plan (Baonghean.vn), reused by the current-year plan.
SOLUTIONS = [
    (1, "Phát huy vai trò của Ban Chỉ đạo cải cách hành chính các cấp, các ngành",
     "Phát huy vai trò của Ban Chỉ đạo cải cách hành chính các cấp, các ngành trong lãnh đạo, "
     "chỉ đạo, định hướng triển khai công tác cải cách hành chính tại các cơ quan, đơn vị."),
    (2, "Tăng cường lãnh đạo, chỉ đạo; đề cao trách nhiệm người đứng đầu",
     "Tăng cường công tác lãnh đạo, chỉ đạo, điều hành và tổ chức thực hiện cải cách hành chính "
     "từ cấp tỉnh đến cơ sở, tại từng cơ quan, đơn vị, địa phương. Phát huy vai trò, trách nhiệm "
     "của người đứng đầu gắn với kết quả thực hiện cải cách hành chính; tập trung chỉ đạo, đôn "
     "đốc, kiểm tra việc thực hiện nhiệm vụ."),
    (3, "Làm rõ trách nhiệm; đào tạo, bồi dưỡng đội ngũ cán bộ, công chức, viên chức",
     "Xác định đầy đủ vai trò, trách nhiệm của cán bộ, công chức, viên chức trong thực hiện cải "
     "cách hành chính. Quan tâm đào tạo, bồi dưỡng, hỗ trợ nhằm nâng cao năng lực, hiệu quả làm "
     "việc của từng cá nhân, tổ chức."),
    (4, "Công khai, minh bạch giải quyết TTHC; khen thưởng kịp thời, xử lý nghiêm vi phạm",
     "Tăng cường công khai, minh bạch trong tiếp nhận, giải quyết thủ tục hành chính của các cơ "
     "quan, đơn vị. Thực hiện chính sách hợp lý, khen thưởng kịp thời để động viên, khuyến khích "
     "cán bộ, công chức, viên chức hoàn thành tốt nhiệm vụ; đồng thời xử lý nghiêm những trường "
     "hợp không hoàn thành nhiệm vụ, vi phạm kỷ luật, kỷ cương hành chính."),
    (5, "Tăng cường kiểm tra; đánh giá, xếp hạng cải cách hành chính khách quan, chính xác",
     "Tăng cường công tác kiểm tra, đánh giá việc thực hiện cải cách hành chính tại các cơ quan, "
     "đơn vị để thúc đẩy cải cách hành chính. Thực hiện đánh giá, phân loại, xếp hạng cải cách "
     "hành chính của các sở, ban, ngành và địa phương khách quan, chính xác."),
    (6, "Đẩy mạnh chuyển đổi số; nâng cao chất lượng phục vụ của Trung tâm Phục vụ HCC và Bộ phận "
        "Một cửa",
     "Tập trung chuyển đổi số, khai thác tối đa công nghệ thông tin và truyền thông phục vụ cải "
     "cách hành chính, tăng tính công khai, minh bạch và hiệu quả theo dõi, giám sát. Vận hành "
     "hiệu quả, nâng cao chất lượng phục vụ của Trung tâm Phục vụ hành chính công tỉnh và Bộ phận "
     "Một cửa các cấp."),
    (7, "Đẩy mạnh tuyên truyền; lấy ý kiến, đo lường sự hài lòng của người dân, tổ chức",
     "Đẩy mạnh thông tin, tuyên truyền nâng cao nhận thức, vận động người dân, tổ chức tham gia "
     "cải cách hành chính. Tổ chức lấy ý kiến, đánh giá mức độ hài lòng của người dân, tổ chức "
     "đối với sự phục vụ của cơ quan hành chính và đơn vị sự nghiệp công lập."),
    (8, "Tập trung chỉ đạo triển khai Đề án 06 của Thủ tướng Chính phủ",
     "Tập trung chỉ đạo triển khai Đề án 06 của Thủ tướng Chính phủ; ưu tiên bổ sung đầu tư cơ "
     "sở vật chất, ứng dụng công nghệ thông tin để thực hiện hiệu quả các nhiệm vụ, đạt các mục "
     "tiêu của Đề án và kế hoạch của UBND tỉnh."),
    (9, "Ưu tiên bố trí đủ nguồn lực tài chính cho cải cách hành chính",
     "Ưu tiên bố trí đủ nguồn lực tài chính phục vụ triển khai thực hiện các nhiệm vụ cải cách "
     "hành chính."),
    (10, "Khảo sát, lấy ý kiến người dân, doanh nghiệp đánh giá cơ quan hành chính nhà nước",
     "Tăng cường khảo sát, lấy ý kiến người dân, doanh nghiệp để đánh giá cơ quan hành chính nhà "
     "nước; đánh giá tinh thần, thái độ, trách nhiệm của cán bộ, công chức, viên chức trong thực "
     "thi công vụ và giải quyết thủ tục hành chính (đánh giá hai lần trong năm: 6 tháng và cuối "
     "năm)."),
]


@dataclass(frozen=True)
class TaskSpec:
    """A task and who does it.

    `due`: a date (2024 plan), days from today (current plan), or None for ongoing
    ("thường xuyên"). `lead` / `support`: unit codes or @GROUP, each with an optional outcome:
    "CODE:T" or "@GROUP:TTLO..." (one letter per unit of the group, repeated if short).
    Outcomes: T done on time, L done late, O not done, S not done and no report for over
    STALE_DAYS, N never reported; and in a live plan only, P reported 100% in the last days,
    awaiting a coordinator's verification, R reported 100% but returned by the coordinator, and
    reported again below 100% since. T and L were verified by the coordinator.
    """

    code: str
    title: str
    description: str
    output: str
    due: datetime.date | int | None
    lead: str
    support: str = ""
    solution: int | None = None
    source: str = ""


def d24(month: int, day: int) -> datetime.date:
    return datetime.date(2024, month, day)


PLAN_2024_KH = "Kế hoạch CCHC năm 2024 của UBND tỉnh"
DE_AN_06 = "Quyết định số 06/QĐ-TTg; Kế hoạch số 87/KH-UBND"

TASKS_2024 = [
    # 0. Direction and management
    TaskSpec("0.1", "Ban hành kế hoạch cải cách hành chính năm 2024 của cơ quan, đơn vị, địa "
             "phương",
             "Cụ thể hóa Kế hoạch CCHC năm 2024 của UBND tỉnh thành kế hoạch của từng cơ quan, đơn "
             "vị; bảo đảm rõ người, rõ việc, rõ thời gian, rõ sản phẩm.",
             "Kế hoạch CCHC năm 2024 của cơ quan, đơn vị", d24(1, 31),
             "@PROV:TTTTTTTLTTTTTTTTTTTLT @DISTRICTS:TTTTTTTTTTTTLTTTTTTTT", solution=2,
             source=PLAN_2024_KH),
    TaskSpec("0.2", "Kiện toàn Ban Chỉ đạo cải cách hành chính tỉnh; ban hành chương trình công "
             "tác năm 2024",
             "Rà soát thành viên Ban Chỉ đạo sau thay đổi nhân sự; ban hành chương trình công tác, "
             "phân công nhiệm vụ cho từng thành viên.",
             "Quyết định kiện toàn Ban Chỉ đạo CCHC tỉnh; Chương trình công tác năm 2024",
             d24(2, 29), "SNV", "VPUBND", solution=1),
    TaskSpec("0.3", "Xây dựng và triển khai kế hoạch kiểm tra công tác cải cách hành chính năm "
             "2024",
             "Kiểm tra việc thực hiện nhiệm vụ CCHC, kỷ luật, kỷ cương hành chính tại các sở, ban, "
             "ngành và UBND cấp huyện; kiến nghị xử lý sau kiểm tra.",
             "Kế hoạch kiểm tra; Thông báo kết luận kiểm tra CCHC năm 2024", d24(11, 30), "SNV",
             "STP VPUBND STTTT", solution=5),
    TaskSpec("0.4", "Báo cáo kết quả cải cách hành chính 6 tháng đầu năm 2024",
             "Báo cáo theo đề cương của Sở Nội vụ, số liệu từ 15/12/2023 đến 14/6/2024, kèm tài "
             "liệu kiểm chứng.",
             "Báo cáo CCHC 6 tháng đầu năm 2024", d24(6, 20), "@DISTRICTS:TTTTTLTTTTTTTTLTTTTTT",
             solution=2),
    TaskSpec("0.5", "Báo cáo kết quả cải cách hành chính năm 2024",
             "Báo cáo kết quả thực hiện nhiệm vụ CCHC năm 2024, số liệu từ 15/12/2023 đến "
             "14/12/2024; đề xuất nhiệm vụ năm 2025.",
             "Báo cáo CCHC năm 2024", d24(12, 20), "@PROV:TTTTTLTTTTTTTLTTTTOTT", solution=2),
    TaskSpec("0.6", "Xác định, công bố Chỉ số cải cách hành chính năm 2023 của các sở, ban, ngành "
             "và UBND cấp huyện",
             "Thẩm định kết quả tự đánh giá, tổ chức điều tra xã hội học và công bố Chỉ số CCHC "
             "năm 2023 theo bộ tiêu chí của tỉnh.",
             "Quyết định công bố Chỉ số CCHC năm 2023", d24(3, 31), "SNV:L", "VPUBND", solution=5,
             source="Quyết định số 3323/QĐ-UBND năm 2023"),
    TaskSpec("0.7", "Tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm 2023 của tỉnh",
             "Tổng hợp kết quả tự đánh giá theo bộ tiêu chí của Bộ Nội vụ, kèm tài liệu kiểm "
             "chứng, gửi Bộ Nội vụ thẩm định.",
             "Báo cáo tự đánh giá Chỉ số CCHC năm 2023 và tài liệu kiểm chứng", d24(2, 29), "SNV",
             "VPUBND STP STC:L STTTT", solution=5),
    TaskSpec("0.8", "Đo lường sự hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan "
             "hành chính nhà nước năm 2024",
             "Khảo sát hai đợt (6 tháng và cuối năm) tại Trung tâm Phục vụ hành chính công tỉnh và "
             "Bộ phận Một cửa cấp huyện; mục tiêu mức độ hài lòng đạt trên 90%.",
             "Báo cáo kết quả đo lường sự hài lòng năm 2024", d24(12, 15), "SNV", "STTTT",
             solution=10),
    TaskSpec("0.9", "Tuyên truyền về cải cách hành chính năm 2024",
             "Duy trì chuyên mục CCHC trên Báo Nghệ An, Đài Phát thanh và Truyền hình tỉnh, cổng "
             "thông tin điện tử; tuyên truyền về dịch vụ công trực tuyến toàn trình.",
             "Chuyên mục CCHC; Báo cáo kết quả tuyên truyền", None, "SNV STTTT", "VPUBND",
             solution=7),
    TaskSpec("0.10", "Bố trí kinh phí thực hiện nhiệm vụ cải cách hành chính năm 2024",
             "Tham mưu UBND tỉnh giao dự toán kinh phí CCHC, chuyển đổi số cho các cơ quan, đơn vị "
             "theo kế hoạch đã phê duyệt.",
             "Quyết định giao dự toán kinh phí CCHC năm 2024", d24(3, 31), "STC", "SNV SKHDT",
             solution=9),
    TaskSpec("0.11", "Tập huấn nghiệp vụ cải cách hành chính, kiểm soát thủ tục hành chính năm "
             "2024",
             "Tập huấn cho công chức đầu mối CCHC, công chức Bộ phận Một cửa các cấp về chấm điểm "
             "Chỉ số CCHC và số hóa hồ sơ.",
             "Tài liệu tập huấn; Báo cáo kết quả tập huấn", d24(9, 30), "SNV", "VPUBND",
             solution=3),
    TaskSpec("0.12", "Khen thưởng tập thể, cá nhân có thành tích xuất sắc trong cải cách hành "
             "chính năm 2024",
             "Tổng hợp, thẩm định hồ sơ đề nghị khen thưởng căn cứ kết quả Chỉ số CCHC và kết quả "
             "kiểm tra.",
             "Quyết định khen thưởng của Chủ tịch UBND tỉnh", d24(12, 31), "SNV:O", solution=4),
    # 1. Institutions
    TaskSpec("1.1", "Xây dựng, trình ban hành văn bản quy phạm pháp luật theo Chương trình năm "
             "2024 của HĐND, UBND tỉnh",
             "Thẩm định dự thảo, theo dõi tiến độ trình các nghị quyết, quyết định quy phạm pháp "
             "luật đã đăng ký; báo cáo các văn bản chậm trình.",
             "Báo cáo tình hình xây dựng, ban hành văn bản QPPL năm 2024", None, "STP", "VPUBND",
             solution=2),
    TaskSpec("1.2", "Hệ thống hóa văn bản quy phạm pháp luật của HĐND, UBND tỉnh kỳ 2019–2023",
             "Rà soát, tập hợp văn bản còn hiệu lực, hết hiệu lực; lập danh mục và công bố kết quả "
             "hệ thống hóa.",
             "Quyết định công bố kết quả hệ thống hóa văn bản QPPL kỳ 2019–2023", d24(3, 31), "STP",
             "VPUBND", source="Nghị định số 34/2016/NĐ-CP"),
    TaskSpec("1.3", "Kiểm tra văn bản quy phạm pháp luật do HĐND, UBND cấp huyện ban hành",
             "Kiểm tra theo thẩm quyền; kiến nghị xử lý văn bản có dấu hiệu trái pháp luật.",
             "Báo cáo kết quả kiểm tra văn bản năm 2024", d24(11, 30), "STP", solution=5),
    TaskSpec("1.4", "Ban hành quy định chi tiết các nội dung Luật Đất đai năm 2024 giao cho UBND "
             "tỉnh",
             "Xây dựng các quyết định về hạn mức, bồi thường, hỗ trợ, tái định cư để áp dụng từ "
             "01/8/2024.",
             "Các quyết định của UBND tỉnh quy định chi tiết Luật Đất đai năm 2024", d24(7, 31),
             "STNMT:L", "STP STC VPUBND", solution=2, source="Luật Đất đai năm 2024"),
    TaskSpec("1.5", "Theo dõi tình hình thi hành pháp luật năm 2024",
             "Trọng tâm lĩnh vực xử lý vi phạm hành chính và đất đai; kiến nghị hoàn thiện quy "
             "định.",
             "Báo cáo theo dõi tình hình thi hành pháp luật năm 2024", d24(12, 15), "STP", "STNMT"),
    TaskSpec("1.6", "Rà soát, cập nhật văn bản quy phạm pháp luật của HĐND, UBND cấp huyện lên Cơ "
             "sở dữ liệu quốc gia về pháp luật",
             "Cập nhật đầy đủ, kịp thời văn bản do địa phương ban hành; rà soát văn bản hết hiệu "
             "lực.",
             "Danh mục văn bản đã cập nhật; Báo cáo kết quả rà soát", d24(9, 30),
             "@DISTRICTS:TTTTTTOTTLTTTTTTTOTTT", "STP"),
    # 2. Administrative procedures
    TaskSpec("2.1", "Công bố, công khai thủ tục hành chính mới ban hành, sửa đổi, bổ sung, bãi bỏ",
             "Công bố danh mục đúng thời hạn và cập nhật kịp thời lên Cơ sở dữ liệu quốc gia về "
             "thủ tục hành chính, Cổng Dịch vụ công của tỉnh.",
             "Quyết định công bố danh mục TTHC; dữ liệu TTHC được cập nhật", None, "VPUBND", "STP",
             solution=4),
    TaskSpec("2.2", "Rà soát, đơn giản hóa thủ tục hành chính năm 2024",
             "Rà soát các nhóm thủ tục về đầu tư, đất đai, xây dựng; đề xuất phương án cắt giảm "
             "thời gian, chi phí tuân thủ.",
             "Quyết định thông qua phương án đơn giản hóa TTHC", d24(10, 31), "VPUBND",
             "SKHDT STNMT:L SXD", solution=4),
    TaskSpec("2.3", "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
             "Số hóa hồ sơ tiếp nhận và kết quả giải quyết tại Bộ phận Một cửa; tái sử dụng dữ "
             "liệu đã số hóa.",
             "Báo cáo tỷ lệ số hóa hồ sơ, kết quả giải quyết TTHC", d24(12, 31),
             "@DISTRICTS:TOTOTTTTTTTTOTTTTTTOT", "VPUBND", solution=6),
    TaskSpec("2.4", "Giải quyết hồ sơ đúng hạn và xin lỗi người dân đối với hồ sơ trễ hạn",
             "Phấn đấu ít nhất 95% hồ sơ giải quyết đúng hạn; 100% hồ sơ trễ hạn có văn bản xin "
             "lỗi theo quy định.",
             "Văn bản xin lỗi; Báo cáo tình hình giải quyết hồ sơ", None,
             "@DISTRICTS:TTTTTTTTOTTTTTTTTTTTT", solution=4),
    TaskSpec("2.5", "Chuẩn hóa quy trình nội bộ, quy trình điện tử giải quyết thủ tục hành chính",
             "Xây dựng, cập nhật quy trình nội bộ trên Hệ thống thông tin giải quyết TTHC của "
             "tỉnh, bảo đảm đúng thời hạn và thành phần hồ sơ.",
             "Quyết định phê duyệt quy trình nội bộ giải quyết TTHC", d24(6, 30), "VPUBND", "STTTT",
             solution=6),
    TaskSpec("2.6", "Triển khai thanh toán trực tuyến phí, lệ phí và nghĩa vụ tài chính trong giải "
             "quyết thủ tục hành chính",
             "Phối hợp với ngân hàng, Kho bạc để người dân thanh toán trực tuyến ngay trên Cổng "
             "Dịch vụ công.",
             "Báo cáo tỷ lệ hồ sơ thanh toán trực tuyến", d24(9, 30), "STC", "STTTT VPUBND",
             solution=6),
    TaskSpec("2.7", "Rà soát danh mục thủ tục hành chính tiếp nhận tại Trung tâm Phục vụ hành "
             "chính công tỉnh",
             "Bổ sung các thủ tục đủ điều kiện tiếp nhận, trả kết quả tại Trung tâm; công khai "
             "danh mục.",
             "Quyết định phê duyệt danh mục TTHC tiếp nhận tại Trung tâm Phục vụ hành chính công "
             "tỉnh",
             d24(3, 31), "VPUBND", solution=6),
    TaskSpec("2.8", "Tiếp nhận, xử lý phản ánh, kiến nghị của cá nhân, tổ chức về quy định hành "
             "chính",
             "Xử lý đúng thời hạn các phản ánh, kiến nghị và công khai kết quả xử lý.",
             "Báo cáo kết quả tiếp nhận, xử lý phản ánh, kiến nghị", None, "VPUBND", solution=10),
    TaskSpec("2.9", "Cắt giảm, đơn giản hóa điều kiện kinh doanh thuộc lĩnh vực công thương",
             "Rà soát điều kiện kinh doanh không còn phù hợp, kiến nghị bộ, ngành bãi bỏ.",
             "Báo cáo rà soát, kiến nghị cắt giảm điều kiện kinh doanh", d24(9, 30), "SCT:L",
             solution=4),
    TaskSpec("2.10", "Thực hiện cơ chế một cửa liên thông trong giải quyết thủ tục đầu tư tại Khu "
             "kinh tế Đông Nam",
             "Rút ngắn thời gian cấp giấy chứng nhận đăng ký đầu tư; công khai tiến độ giải quyết "
             "hồ sơ cho nhà đầu tư.",
             "Báo cáo kết quả giải quyết thủ tục đầu tư", None, "BQLKKT", "SKHDT", solution=6),
    # 3. Apparatus
    TaskSpec("3.1", "Xây dựng Đề án sắp xếp đơn vị hành chính cấp huyện, cấp xã giai đoạn "
             "2023–2025",
             "Trình cấp có thẩm quyền phương án nhập Thị xã Cửa Lò vào Thành phố Vinh và sắp xếp "
             "các xã, phường, thị trấn chưa đạt tiêu chuẩn.",
             "Đề án sắp xếp đơn vị hành chính giai đoạn 2023–2025", d24(6, 30), "SNV",
             "412 413 429", solution=2, source="Nghị quyết số 35/2023/UBTVQH15"),
    TaskSpec("3.2", "Triển khai sắp xếp Thị xã Cửa Lò vào Thành phố Vinh",
             "Kiện toàn tổ chức bộ máy, bàn giao hồ sơ, tài sản, con dấu; bảo đảm chính quyền mới "
             "hoạt động từ 01/12/2024.",
             "Báo cáo hoàn thành sắp xếp đơn vị hành chính", d24(11, 30), "412 413", "SNV",
             solution=2),
    TaskSpec("3.3", "Rà soát, kiện toàn tổ chức bộ máy bên trong các cơ quan chuyên môn thuộc UBND "
             "tỉnh",
             "Rà soát chức năng, nhiệm vụ chồng chéo; giảm đầu mối phòng, ban bên trong.",
             "Quyết định quy định chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức", d24(12, 31),
             "SNV:O"),
    TaskSpec("3.4", "Sắp xếp, tổ chức lại đơn vị sự nghiệp công lập ngành giáo dục và y tế",
             "Giảm đầu mối, nâng mức tự chủ của các đơn vị sự nghiệp công lập.",
             "Đề án sắp xếp đơn vị sự nghiệp công lập", d24(12, 31), "SGDDT SYT:O", "SNV",
             source="Nghị quyết số 19-NQ/TW"),
    TaskSpec("3.5", "Xây dựng kế hoạch biên chế công chức, số lượng người làm việc năm 2025",
             "Tổng hợp nhu cầu của các cơ quan, đơn vị; bảo đảm lộ trình tinh giản biên chế.",
             "Kế hoạch biên chế năm 2025 trình HĐND tỉnh", d24(8, 31), "SNV", "STC"),
    # 4. Civil service
    TaskSpec("4.1", "Rà soát, điều chỉnh vị trí việc làm của cơ quan, đơn vị",
             "Rà soát danh mục vị trí việc làm, bản mô tả công việc và khung năng lực theo hướng "
             "dẫn của Bộ Nội vụ.",
             "Đề án vị trí việc làm được phê duyệt", d24(6, 30), "@PROV:TTTTLTTTTTTOTTTTTTTTT",
             solution=3),
    TaskSpec("4.2", "Tổ chức tuyển dụng công chức năm 2024",
             "Thi tuyển công chức theo chỉ tiêu biên chế được giao; công khai kết quả.",
             "Quyết định công nhận kết quả tuyển dụng", d24(11, 30), "SNV:L", solution=3),
    TaskSpec("4.3", "Đào tạo, bồi dưỡng cán bộ, công chức, viên chức năm 2024",
             "Bồi dưỡng kỹ năng số, kỹ năng giải quyết thủ tục hành chính cho công chức Bộ phận "
             "Một cửa.",
             "Báo cáo kết quả đào tạo, bồi dưỡng năm 2024", d24(12, 15), "SNV", "STC", solution=3),
    TaskSpec("4.4", "Kiểm tra công vụ, kỷ luật, kỷ cương hành chính",
             "Kiểm tra đột xuất việc chấp hành giờ giấc, thái độ phục vụ tại Bộ phận Một cửa các "
             "cấp; xử lý nghiêm vi phạm.",
             "Thông báo kết quả kiểm tra công vụ", None, "SNV", "TTR", solution=4),
    TaskSpec("4.5", "Đánh giá, xếp loại chất lượng cán bộ, công chức, viên chức năm 2024",
             "Đánh giá theo kết quả thực hiện nhiệm vụ, gắn với sản phẩm cụ thể.",
             "Báo cáo kết quả đánh giá, xếp loại năm 2024", d24(12, 31),
             "@DISTRICTS:TOTTTTTTTTTTTTTTTOTTT", solution=3),
    # 5. Public finance
    TaskSpec("5.1", "Giao quyền tự chủ tài chính cho các đơn vị sự nghiệp công lập",
             "Thẩm định phương án tự chủ; giao quyền tự chủ cho thời kỳ ổn định 2022–2025.",
             "Quyết định giao quyền tự chủ tài chính", d24(6, 30), "STC", "SGDDT SYT SLDTBXH",
             source="Nghị định số 60/2021/NĐ-CP"),
    TaskSpec("5.2", "Đẩy nhanh tiến độ giải ngân vốn đầu tư công năm 2024",
             "Theo dõi, đôn đốc giải ngân hằng tháng; điều chuyển vốn từ dự án chậm giải ngân.",
             "Báo cáo kết quả giải ngân vốn đầu tư công năm 2024", d24(12, 31), "SKHDT:O", "STC",
             solution=9),
    TaskSpec("5.3", "Kiểm tra việc quản lý, sử dụng tài sản công tại các cơ quan, đơn vị",
             "Kiểm tra việc sử dụng trụ sở, xe công, tài sản dôi dư.",
             "Báo cáo kết quả kiểm tra tài sản công", d24(10, 31), "STC"),
    TaskSpec("5.4", "Công khai dự toán ngân sách nhà nước năm 2024",
             "Công khai trên cổng thông tin điện tử theo quy định của Luật Ngân sách nhà nước.",
             "Quyết định công bố công khai dự toán ngân sách năm 2024", d24(1, 31),
             "STC @DISTRICTS:TTTTTTTTTTLTTTTTTTTTT"),
    TaskSpec("5.5", "Thanh tra việc quản lý, sử dụng ngân sách và đầu tư xây dựng cơ bản",
             "Thanh tra theo kế hoạch được phê duyệt; kiến nghị thu hồi sai phạm.",
             "Kết luận thanh tra", d24(11, 30), "TTR", "STC", solution=5),
    # 6. E-government and digital government
    TaskSpec("6.1", "Nâng cấp Hệ thống thông tin giải quyết thủ tục hành chính tỉnh, kết nối Cổng "
             "Dịch vụ công quốc gia",
             "Đáp ứng yêu cầu kết nối, chia sẻ dữ liệu và theo dõi trạng thái hồ sơ theo thời gian "
             "thực.",
             "Hệ thống thông tin giải quyết TTHC tỉnh được nâng cấp, vận hành", d24(6, 30),
             "STTTT:L", "VPUBND", solution=6),
    TaskSpec("6.2", "Cung cấp dịch vụ công trực tuyến toàn trình",
             "Tái cấu trúc quy trình, nâng tỷ lệ hồ sơ trực tuyến toàn trình; hướng dẫn người dân "
             "nộp hồ sơ qua Cổng Dịch vụ công.",
             "Danh mục dịch vụ công trực tuyến toàn trình; Báo cáo tỷ lệ hồ sơ trực tuyến",
             d24(12, 31), "VPUBND STTTT", solution=6),
    TaskSpec("6.3", "Liên thông điện tử hai nhóm thủ tục hành chính thiết yếu theo Đề án 06",
             "Khai sinh – đăng ký thường trú – cấp thẻ BHYT cho trẻ dưới 6 tuổi; khai tử – xóa "
             "đăng ký thường trú – trợ cấp mai táng phí.",
             "Hai nhóm TTHC liên thông được vận hành trên Cổng Dịch vụ công", d24(6, 30), "STP",
             "SLDTBXH SYT", solution=8, source=DE_AN_06),
    TaskSpec("6.4", "Xác thực người dùng trên Cổng Dịch vụ công của tỉnh bằng tài khoản định danh "
             "điện tử VNeID",
             "Tích hợp đăng nhập một lần bằng VNeID; tái sử dụng thông tin công dân từ Cơ sở dữ "
             "liệu quốc gia về dân cư.",
             "Cổng Dịch vụ công tỉnh tích hợp đăng nhập VNeID", d24(9, 30), "STTTT", "VPUBND",
             solution=8, source=DE_AN_06),
    TaskSpec("6.5", "Số hóa dữ liệu hộ tịch",
             "Số hóa sổ hộ tịch lưu trữ, cập nhật vào Cơ sở dữ liệu hộ tịch điện tử để kết nối với "
             "Cơ sở dữ liệu quốc gia về dân cư.",
             "Dữ liệu hộ tịch được số hóa, cập nhật", d24(12, 31),
             "@DISTRICTS:TTOTTTTTTTOTTTTTTTTTN", "STP", solution=8, source=DE_AN_06),
    TaskSpec("6.6", "Gửi, nhận văn bản điện tử và sử dụng chữ ký số trong cơ quan nhà nước",
             "Bảo đảm văn bản được gửi, nhận hoàn toàn dưới dạng điện tử, ký số, trừ văn bản mật.",
             "Hệ thống quản lý văn bản và điều hành vận hành thông suốt 4 cấp", None, "STTTT",
             solution=6),
    TaskSpec("6.7", "Xây dựng Trung tâm giám sát, điều hành thông minh (IOC) của tỉnh",
             "Hoàn thiện hạ tầng, tích hợp dữ liệu giám sát dịch vụ công, giao thông, môi trường.",
             "Trung tâm IOC tỉnh vận hành", d24(12, 31), "STTTT:O", "412", solution=6),
    TaskSpec("6.8", "Xây dựng cơ sở dữ liệu đất đai",
             "Chỉnh lý, số hóa hồ sơ địa chính, xây dựng cơ sở dữ liệu đất đai cấp huyện.",
             "Cơ sở dữ liệu đất đai được kết nối, vận hành", d24(12, 31), "STNMT:O",
             "412 414:O 432", solution=6),
    TaskSpec("6.9", "Bảo đảm an toàn thông tin mạng theo mô hình 4 lớp",
             "Giám sát, ứng cứu sự cố an toàn thông tin cho các hệ thống dùng chung của tỉnh.",
             "Báo cáo bảo đảm an toàn thông tin năm 2024", None, "STTTT"),
]

# Current plan: `due` in days from today (None = ongoing). Titles may use {year}, {prev}, {next}.
TASKS_CURRENT = [
    # 0. Direction and management
    TaskSpec("0.1", "Ban hành kế hoạch cải cách hành chính năm {year} của cơ quan, đơn vị, địa "
             "phương",
             "Cụ thể hóa kế hoạch CCHC của UBND tỉnh thành kế hoạch của từng cơ quan, đơn vị; bảo "
             "đảm rõ người, rõ việc, rõ thời gian, rõ sản phẩm.",
             "Kế hoạch CCHC năm {year} của cơ quan, đơn vị", -300,
             "@PROV_NOW:TTLTTTTTLTTTTLT @WARDS:TTLTTLTTTLT", solution=2),
    TaskSpec("0.2", "Kiện toàn Ban Chỉ đạo cải cách hành chính tỉnh sau sắp xếp tổ chức bộ máy",
             "Cập nhật thành viên Ban Chỉ đạo theo các sở mới hợp nhất và chính quyền địa phương "
             "hai cấp.",
             "Quyết định kiện toàn Ban Chỉ đạo CCHC tỉnh", -280, "SNV", "VPUBND", solution=1),
    TaskSpec("0.3", "Xây dựng kế hoạch kiểm tra công tác cải cách hành chính năm {year}",
             "Xác định đối tượng, nội dung, thời gian kiểm tra; ưu tiên các phường, xã mới sắp "
             "xếp.",
             "Kế hoạch kiểm tra CCHC năm {year}", -270, "SNV", solution=5),
    TaskSpec("0.4", "Kiểm tra công tác cải cách hành chính tại các phường, xã (đợt 2)",
             "Kiểm tra việc thực hiện nhiệm vụ CCHC, hoạt động của Trung tâm Phục vụ hành chính "
             "công cấp xã.",
             "Thông báo kết luận kiểm tra CCHC đợt 2", 5, "SNV:O", "STP:O VPUBND:T", solution=5),
    TaskSpec("0.5", "Xác định, công bố Chỉ số cải cách hành chính năm {prev} của các sở, ban, "
             "ngành và UBND cấp xã",
             "Thẩm định kết quả tự đánh giá, điều tra xã hội học và công bố kết quả xếp hạng.",
             "Quyết định công bố Chỉ số CCHC năm {prev}", -150, "SNV:L", "VPUBND", solution=5),
    TaskSpec("0.6", "Tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm {prev} của tỉnh",
             "Tổng hợp kết quả tự đánh giá theo bộ tiêu chí của Bộ Nội vụ, kèm tài liệu kiểm "
             "chứng.",
             "Báo cáo tự đánh giá Chỉ số CCHC năm {prev} và tài liệu kiểm chứng", -260, "SNV",
             "VPUBND STP STC SKHCN:L", solution=5),
    TaskSpec("0.7", "Tuyên truyền về cải cách hành chính và chính quyền địa phương hai cấp",
             "Duy trì chuyên mục CCHC trên báo, đài của tỉnh; hướng dẫn người dân thực hiện thủ "
             "tục tại cấp xã sau sắp xếp.",
             "Chuyên mục CCHC; Báo cáo kết quả tuyên truyền", None, "SNV SVHTTDL", solution=7),
    TaskSpec("0.8", "Đo lường sự hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan "
             "hành chính nhà nước năm {year}",
             "Khảo sát trực tuyến và trực tiếp tại Trung tâm Phục vụ hành chính công các cấp; mục "
             "tiêu mức độ hài lòng đạt trên 90%.",
             "Báo cáo kết quả đo lường sự hài lòng năm {year}", 30, "SNV", "SKHCN:P", solution=10),
    TaskSpec("0.9", "Bố trí kinh phí thực hiện nhiệm vụ cải cách hành chính năm {year}",
             "Giao dự toán kinh phí CCHC, chuyển đổi số cho các cơ quan, đơn vị, địa phương.",
             "Quyết định giao dự toán kinh phí CCHC năm {year}", -290, "STC", "SNV", solution=9),
    TaskSpec("0.10", "Cập nhật tiến độ và tài liệu kiểm chứng nhiệm vụ cải cách hành chính",
             "Cập nhật kết quả thực hiện từng nhiệm vụ, kèm tài liệu kiểm chứng, phục vụ chấm điểm "
             "Chỉ số CCHC.",
             "Tài liệu kiểm chứng được cập nhật đầy đủ trên hệ thống theo dõi", 4,
             "@WARDS:OPTOOTTOTTO", solution=2),
    TaskSpec("0.11", "Tập huấn nghiệp vụ cải cách hành chính cho công chức cấp xã sau sắp xếp",
             "Tập huấn về kiểm soát thủ tục hành chính, số hóa hồ sơ và chấm điểm Chỉ số CCHC.",
             "Tài liệu tập huấn; Báo cáo kết quả tập huấn", -45, "SNV:L", "VPUBND:O", solution=3),
    TaskSpec("0.12", "Khen thưởng tập thể, cá nhân có thành tích xuất sắc trong cải cách hành "
             "chính năm {year}",
             "Tổng hợp, thẩm định hồ sơ đề nghị khen thưởng căn cứ kết quả Chỉ số CCHC.",
             "Quyết định khen thưởng của Chủ tịch UBND tỉnh", 32, "SNV", solution=4),
    # 1. Institutions
    TaskSpec("1.1", "Xây dựng, trình ban hành văn bản quy phạm pháp luật theo Chương trình năm "
             "{year} của HĐND, UBND tỉnh",
             "Thẩm định dự thảo, theo dõi tiến độ trình các văn bản đã đăng ký; báo cáo văn bản "
             "chậm trình.",
             "Báo cáo tình hình xây dựng, ban hành văn bản QPPL năm {year}", None, "STP", "VPUBND",
             solution=2),
    TaskSpec("1.2", "Rà soát văn bản quy phạm pháp luật của tỉnh để sửa đổi, bổ sung phù hợp mô "
             "hình chính quyền địa phương hai cấp",
             "Rà soát các văn bản có nội dung giao nhiệm vụ cho cấp huyện; đề xuất sửa đổi, thay "
             "thế.",
             "Báo cáo rà soát; danh mục văn bản cần sửa đổi, thay thế", -60, "STP:L", "SNV VPUBND",
             solution=2),
    TaskSpec("1.3", "Kiểm tra văn bản quy phạm pháp luật do HĐND, UBND cấp xã ban hành",
             "Kiểm tra theo thẩm quyền; kiến nghị xử lý văn bản có dấu hiệu trái pháp luật.",
             "Báo cáo kết quả kiểm tra văn bản", -20, "STP:O", solution=5),
    TaskSpec("1.4", "Theo dõi tình hình thi hành pháp luật năm {year}",
             "Trọng tâm lĩnh vực đất đai và xử lý vi phạm hành chính; kiến nghị hoàn thiện quy "
             "định.",
             "Báo cáo theo dõi tình hình thi hành pháp luật năm {year}", 6, "STP:O", "SNNMT:P"),
    TaskSpec("1.5", "Công bố danh mục văn bản quy phạm pháp luật hết hiệu lực do sắp xếp đơn vị "
             "hành chính",
             "Tổng hợp văn bản của cấp huyện và cấp xã cũ hết hiệu lực; công bố theo quy định.",
             "Quyết định công bố danh mục văn bản hết hiệu lực", -120, "STP", "VPUBND"),
    TaskSpec("1.6", "Ban hành quy định phân cấp, ủy quyền giải quyết thủ tục hành chính cho UBND "
             "cấp xã",
             "Phân cấp tối đa thủ tục lĩnh vực đất đai, xây dựng cho cấp xã; bảo đảm nguồn lực "
             "thực hiện.",
             "Quyết định phân cấp, ủy quyền giải quyết TTHC", -40, "SNNMT:S SXD:O", "STP",
             solution=2),
    TaskSpec("1.7", "Ban hành quy chế làm việc của UBND phường sau kiện toàn",
             "Quy định rõ trách nhiệm, quan hệ công tác, chế độ báo cáo của UBND phường.",
             "Quy chế làm việc của UBND phường", -80, "@WARDS:TOTOLTSTTLO", solution=2),
    # 2. Administrative procedures
    TaskSpec("2.1", "Công bố, công khai thủ tục hành chính mới ban hành, sửa đổi, bổ sung, bãi bỏ",
             "Công bố đúng thời hạn, cập nhật kịp thời lên Cơ sở dữ liệu quốc gia về thủ tục hành "
             "chính.",
             "Quyết định công bố danh mục TTHC; dữ liệu TTHC được cập nhật", None, "VPUBND", "STP",
             solution=4),
    TaskSpec("2.2", "Rà soát, đơn giản hóa thủ tục hành chính nội bộ năm {year}",
             "Rà soát thủ tục hành chính nội bộ giữa các cơ quan hành chính nhà nước; cắt giảm "
             "thành phần hồ sơ trùng lặp.",
             "Quyết định phê duyệt phương án đơn giản hóa TTHC nội bộ", -100, "VPUBND:O", "SNV",
             solution=4),
    TaskSpec("2.3", "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính tại Bộ phận Một cửa "
             "phường",
             "Số hóa hồ sơ tiếp nhận và kết quả giải quyết; tái sử dụng dữ liệu đã số hóa.",
             "Báo cáo tỷ lệ số hóa hồ sơ, kết quả giải quyết TTHC", None, "@WARDS:OOSONOOSOOO",
             solution=6),
    TaskSpec("2.4", "Kiện toàn Trung tâm Phục vụ hành chính công phường; niêm yết công khai thủ "
             "tục hành chính",
             "Bố trí công chức, trang thiết bị; niêm yết đầy đủ thủ tục thuộc thẩm quyền cấp xã.",
             "Quyết định kiện toàn Trung tâm; danh mục TTHC được niêm yết", -200,
             "@WARDS:LTLTTTLTTOT", solution=6),
    TaskSpec("2.5", "Rà soát thủ tục hành chính lĩnh vực đất đai, xây dựng để cắt giảm thời gian "
             "giải quyết",
             "Đề xuất cắt giảm ít nhất 30% thời gian giải quyết so với quy định.",
             "Báo cáo rà soát, phương án cắt giảm thời gian giải quyết", 2, "SNNMT:O SXD:T",
             solution=4),
    TaskSpec("2.6", "Giải quyết hồ sơ đúng hạn; xin lỗi người dân đối với hồ sơ trễ hạn",
             "Theo dõi, đôn đốc để ít nhất 95% hồ sơ được giải quyết đúng hạn; 100% hồ sơ trễ hạn "
             "có văn bản xin lỗi.",
             "Báo cáo tình hình giải quyết hồ sơ hằng tháng", None, "VPUBND", solution=4),
    TaskSpec("2.7", "Thanh toán trực tuyến nghĩa vụ tài chính về đất đai",
             "Kết nối Hệ thống thông tin đất đai với cơ quan thuế, ngân hàng để người dân nộp tiền "
             "trực tuyến.",
             "Chức năng thanh toán trực tuyến nghĩa vụ tài chính đất đai vận hành", -15, "SNNMT:R",
             "STC:T", solution=6),
    TaskSpec("2.8", "Tiếp nhận, xử lý phản ánh, kiến nghị về quy định hành chính",
             "Xử lý đúng thời hạn các phản ánh, kiến nghị và công khai kết quả xử lý.",
             "Báo cáo kết quả tiếp nhận, xử lý phản ánh, kiến nghị", None, "VPUBND", solution=10),
    TaskSpec("2.9", "Rà soát, cắt giảm điều kiện kinh doanh lĩnh vực công thương",
             "Kiến nghị bộ, ngành bãi bỏ điều kiện kinh doanh không còn phù hợp.",
             "Báo cáo kiến nghị cắt giảm điều kiện kinh doanh", -65, "SCT:T", solution=4),
    TaskSpec("2.10", "Giải quyết thủ tục đầu tư theo cơ chế một cửa liên thông tại Khu kinh tế "
             "Đông Nam",
             "Rút ngắn thời gian cấp giấy chứng nhận đăng ký đầu tư; công khai tiến độ hồ sơ cho "
             "nhà đầu tư.",
             "Báo cáo kết quả giải quyết thủ tục đầu tư", None, "BQLKKT:S", solution=6),
    TaskSpec("2.11", "Rà soát quy trình giải quyết thủ tục hành chính về tổ chức hội nghị, hội "
             "thảo quốc tế",
             "Chuẩn hóa quy trình nội bộ, rút ngắn thời gian thẩm định hồ sơ.",
             "Quyết định phê duyệt quy trình nội bộ", -95, "SNGV", solution=4),
    # 3. Apparatus
    TaskSpec("3.1", "Kiện toàn tổ chức bên trong các sở sau hợp nhất",
             "Sắp xếp phòng chuyên môn, đơn vị trực thuộc; bố trí lãnh đạo, công chức theo vị trí "
             "việc làm.",
             "Quyết định quy định cơ cấu tổ chức của các sở", -230, "SNV", "SNNMT SVHTTDL SDTTG:O"),
    TaskSpec("3.2", "Ban hành quy định chức năng, nhiệm vụ, quyền hạn của các cơ quan chuyên môn "
             "thuộc UBND tỉnh",
             "Bảo đảm không chồng chéo, bỏ sót nhiệm vụ sau hợp nhất các sở.",
             "Quyết định quy định chức năng, nhiệm vụ của các cơ quan chuyên môn", -200, "SNV:L",
             "STP"),
    TaskSpec("3.3", "Sắp xếp đơn vị sự nghiệp công lập ngành giáo dục và y tế",
             "Giảm đầu mối, nâng mức tự chủ của các đơn vị sự nghiệp công lập.",
             "Đề án sắp xếp đơn vị sự nghiệp công lập", -50, "SGDDT SYT:S", "SNV",
             source="Nghị quyết số 19-NQ/TW"),
    TaskSpec("3.4", "Sơ kết hoạt động của chính quyền địa phương hai cấp",
             "Đánh giá kết quả vận hành, khó khăn, vướng mắc; đề xuất điều chỉnh phân cấp, phân "
             "quyền.",
             "Báo cáo sơ kết hoạt động của chính quyền địa phương hai cấp", 4,
             "SNV:O @WARDS:OTTOTOTPOOT", solution=2),
    TaskSpec("3.5", "Xây dựng kế hoạch biên chế công chức, số lượng người làm việc năm {next}",
             "Tổng hợp nhu cầu của các cơ quan, đơn vị; bảo đảm lộ trình tinh giản biên chế.",
             "Kế hoạch biên chế năm {next} trình HĐND tỉnh", 35, "SNV", "STC"),
    TaskSpec("3.6", "Bàn giao, xử lý trụ sở, tài sản công dôi dư sau sắp xếp",
             "Lập phương án sử dụng trụ sở dôi dư; ưu tiên chuyển sang cơ sở y tế, giáo dục, văn "
             "hóa.",
             "Phương án xử lý trụ sở, tài sản dôi dư được phê duyệt", -10, "@WARDS:ROLTPTTSOTT",
             "STC"),
    # 4. Civil service
    TaskSpec("4.1", "Rà soát, điều chỉnh vị trí việc làm của cơ quan, đơn vị sau sắp xếp",
             "Cập nhật danh mục vị trí việc làm, bản mô tả công việc và khung năng lực.",
             "Đề án vị trí việc làm được phê duyệt", -180, "@PROV_NOW:TTTOLTOTLTTTOTT", solution=3),
    TaskSpec("4.2", "Tuyển dụng công chức cấp xã năm {year}",
             "Tổ chức thi tuyển bổ sung công chức cho các phường, xã còn thiếu.",
             "Quyết định công nhận kết quả tuyển dụng", -25, "SNV:O", solution=3),
    TaskSpec("4.3", "Đào tạo, bồi dưỡng cán bộ, công chức cấp xã",
             "Bồi dưỡng kỹ năng số, kỹ năng giải quyết thủ tục hành chính cho công chức cấp xã.",
             "Báo cáo kết quả đào tạo, bồi dưỡng", 20, "SNV", "@WARDS:TTROTOTTOTO", solution=3),
    TaskSpec("4.4", "Kiểm tra công vụ, kỷ luật, kỷ cương hành chính",
             "Kiểm tra đột xuất việc chấp hành giờ giấc, thái độ phục vụ tại Trung tâm Phục vụ "
             "hành chính công các cấp.",
             "Thông báo kết quả kiểm tra công vụ", None, "SNV", "TTR:S", solution=4),
    TaskSpec("4.5", "Đánh giá, xếp loại chất lượng cán bộ, công chức, viên chức năm {year}",
             "Đánh giá theo kết quả thực hiện nhiệm vụ, gắn với sản phẩm cụ thể.",
             "Báo cáo kết quả đánh giá, xếp loại năm {year}", 30, "SNV", solution=3),
    TaskSpec("4.6", "Thực hiện chính sách đối với người nghỉ hưu trước tuổi, thôi việc do sắp xếp",
             "Thẩm định hồ sơ, chi trả chế độ kịp thời, đúng quy định.",
             "Quyết định giải quyết chính sách; Báo cáo kết quả thực hiện", -70, "SNV", "STC:L",
             source="Nghị định số 178/2024/NĐ-CP"),
    # 5. Public finance
    TaskSpec("5.1", "Giao quyền tự chủ tài chính cho các đơn vị sự nghiệp công lập",
             "Thẩm định phương án tự chủ của các đơn vị sau sắp xếp.",
             "Quyết định giao quyền tự chủ tài chính", -140, "STC", "SGDDT SYT:O"),
    TaskSpec("5.2", "Đẩy nhanh giải ngân vốn đầu tư công năm {year}",
             "Theo dõi, đôn đốc giải ngân hằng tháng; điều chuyển vốn từ dự án chậm giải ngân.",
             "Báo cáo kết quả giải ngân vốn đầu tư công năm {year}", None, "STC", "SXD:S",
             solution=9),
    TaskSpec("5.3", "Kiểm tra việc quản lý, sử dụng tài sản công",
             "Kiểm tra việc sử dụng trụ sở, xe công, tài sản dôi dư sau sắp xếp.",
             "Báo cáo kết quả kiểm tra tài sản công", -35, "STC:L"),
    TaskSpec("5.4", "Thanh tra chuyên đề việc quản lý, sử dụng ngân sách tại cơ quan, đơn vị",
             "Thanh tra theo kế hoạch được phê duyệt; kiến nghị thu hồi sai phạm.",
             "Kết luận thanh tra", 1, "TTR:O", "STC", solution=5),
    TaskSpec("5.5", "Công khai dự toán ngân sách năm {year} của phường",
             "Công khai trên cổng thông tin điện tử và tại trụ sở theo quy định.",
             "Quyết định công bố công khai dự toán ngân sách năm {year}", -290,
             "@WARDS:TLTTOTTTLTS"),
    # 6. E-government and digital government
    TaskSpec("6.1", "Nâng cấp Hệ thống thông tin giải quyết thủ tục hành chính tỉnh phục vụ chính "
             "quyền hai cấp",
             "Cấu hình lại quy trình, tài khoản cho các phường, xã mới; kết nối Cổng Dịch vụ công "
             "quốc gia.",
             "Hệ thống thông tin giải quyết TTHC tỉnh được nâng cấp, vận hành", -160, "SKHCN",
             "VPUBND", solution=6),
    TaskSpec("6.2", "Cung cấp dịch vụ công trực tuyến toàn trình; nâng tỷ lệ hồ sơ nộp trực tuyến",
             "Tái cấu trúc quy trình; hướng dẫn người dân nộp hồ sơ qua Cổng Dịch vụ công.",
             "Báo cáo tỷ lệ hồ sơ trực tuyến toàn trình", None, "SKHCN", "VPUBND", solution=6),
    TaskSpec("6.3", "Liên thông điện tử hai nhóm thủ tục hành chính thiết yếu theo Đề án 06",
             "Khai sinh – đăng ký thường trú – cấp thẻ BHYT cho trẻ dưới 6 tuổi; khai tử – xóa "
             "đăng ký thường trú – trợ cấp mai táng phí.",
             "Hai nhóm TTHC liên thông vận hành ổn định tại cấp xã", -55, "STP", "SYT:O",
             solution=8, source=DE_AN_06),
    TaskSpec("6.4", "Làm sạch dữ liệu hộ tịch, đồng bộ với Cơ sở dữ liệu quốc gia về dân cư",
             "Đối chiếu, chuẩn hóa dữ liệu hộ tịch đã số hóa; xử lý dữ liệu sai lệch.",
             "Dữ liệu hộ tịch được làm sạch, đồng bộ", 3, "@WARDS:PTOTOTTOTTT", "STP:P", solution=8,
             source=DE_AN_06),
    TaskSpec("6.5", "Triển khai hệ thống quản lý văn bản và điều hành, chữ ký số cho công chức cấp "
             "xã",
             "Cấp chứng thư số, tài khoản và hướng dẫn sử dụng cho công chức các phường, xã.",
             "Hệ thống quản lý văn bản và điều hành vận hành tại cấp xã", -12, "@WARDS:OTOTTRTTOTS",
             "SKHCN:T", solution=6),
    TaskSpec("6.6", "Xây dựng cơ sở dữ liệu đất đai, kết nối Cơ sở dữ liệu quốc gia về đất đai",
             "Chỉnh lý, số hóa hồ sơ địa chính; đồng bộ dữ liệu với hệ thống trung ương.",
             "Cơ sở dữ liệu đất đai được kết nối, vận hành", 35, "SNNMT", solution=6),
    TaskSpec("6.7", "Bảo đảm an toàn thông tin mạng theo mô hình 4 lớp",
             "Giám sát, ứng cứu sự cố an toàn thông tin cho các hệ thống dùng chung của tỉnh.",
             "Báo cáo bảo đảm an toàn thông tin năm {year}", None, "SKHCN:S"),
    TaskSpec("6.8", "Ban hành kế hoạch chuyển đổi số năm {year}",
             "Cụ thể hóa các nhiệm vụ phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển "
             "đổi số của tỉnh.",
             "Kế hoạch chuyển đổi số năm {year} của UBND tỉnh", -130, "SKHCN:L",
             source="Nghị quyết số 57-NQ/TW"),
    TaskSpec("6.9", "Vận hành Trung tâm giám sát, điều hành thông minh (IOC) của tỉnh",
             "Tích hợp dữ liệu giám sát dịch vụ công và phản ánh hiện trường từ các phường.",
             "Trung tâm IOC vận hành, kết nối dữ liệu các phường", 25, "SKHCN", "16681:O",
             solution=6),
    TaskSpec("6.10", "Triển khai bệnh án điện tử tại các bệnh viện tuyến tỉnh",
             "Hoàn thành bệnh án điện tử, thay thế bệnh án giấy theo lộ trình của Bộ Y tế.",
             "Bệnh án điện tử được triển khai tại các bệnh viện tuyến tỉnh", 28, "SYT:P",
             solution=6),
    TaskSpec("6.11", "Tuyển sinh đầu cấp trực tuyến",
             "Tổ chức tuyển sinh trực tuyến lớp 1, lớp 6 và lớp 10 trên toàn tỉnh.",
             "Báo cáo kết quả tuyển sinh trực tuyến", -150, "SGDDT", solution=6),
    TaskSpec("6.12", "Số hóa hồ sơ thực hiện chính sách dân tộc, tôn giáo",
             "Số hóa hồ sơ, xây dựng cơ sở dữ liệu phục vụ theo dõi chính sách dân tộc.",
             "Cơ sở dữ liệu chính sách dân tộc được cập nhật", -32, "SDTTG:O", solution=6),
    TaskSpec("6.13", "Số hóa di sản văn hóa, điểm đến du lịch",
             "Xây dựng dữ liệu số, thuyết minh tự động cho di tích, điểm đến du lịch tiêu biểu.",
             "Dữ liệu số di sản, điểm đến du lịch được công bố", 33, "SVHTTDL", solution=6),
]

# --- Progress notes -------------------------------------------------------------------------------

NOTES_LEAD = {
    "start": [
        "Đã ban hành văn bản triển khai, phân công cán bộ đầu mối thực hiện.",
        "Đã xây dựng kế hoạch chi tiết; đang thu thập thông tin, số liệu.",
        "Đã họp triển khai nhiệm vụ; đang rà soát hồ sơ, tài liệu liên quan.",
        "Đang khảo sát, đánh giá thực trạng để xây dựng dự thảo.",
    ],
    "middle": [
        "Đã hoàn thành dự thảo, đang lấy ý kiến các cơ quan, đơn vị liên quan.",
        "Đã tổng hợp số liệu của các phòng, ban; đang xây dựng báo cáo.",
        "Đã thực hiện khoảng {percent}% khối lượng công việc theo kế hoạch.",
        "Đang hoàn thiện dự thảo theo ý kiến góp ý; đã gửi cơ quan chuyên môn thẩm định.",
    ],
    "end": [
        "Đã trình lãnh đạo xem xét, dự kiến ban hành trong tháng.",
        "Cơ bản hoàn thành; đang hoàn thiện hồ sơ, tài liệu kiểm chứng.",
        "Đã tiếp thu, giải trình ý kiến thẩm định; chờ ký ban hành.",
    ],
    "done": [
        "Đã hoàn thành. Sản phẩm: {output}.",
        "Hoàn thành nhiệm vụ, đã cập nhật tài liệu kiểm chứng lên hệ thống. Sản phẩm: {output}.",
        "Đã hoàn thành và báo cáo kết quả. Sản phẩm: {output}.",
    ],
    "late": [
        "Hoàn thành chậm so với thời hạn do phải chờ ý kiến góp ý của các cơ quan liên quan. "
        "Sản phẩm: {output}.",
        "Hoàn thành muộn do khối lượng công việc lớn, nhân sự phụ trách thay đổi. "
        "Sản phẩm: {output}.",
        "Đã hoàn thành sau khi bổ sung hồ sơ theo yêu cầu thẩm định. Sản phẩm: {output}.",
    ],
    "stuck": [
        "Chậm tiến độ do chưa được bố trí kinh phí; đã báo cáo UBND tỉnh xin ý kiến.",
        "Chậm tiến độ do chờ hướng dẫn của bộ, ngành Trung ương; đề nghị gia hạn.",
        "Chậm tiến độ do thay đổi nhân sự phụ trách; đang khẩn trương hoàn thiện.",
        "Vướng mắc về số liệu đầu vào, đang phối hợp các đơn vị liên quan để thống nhất.",
    ],
}
NOTES_SUPPORT = {
    "start": ["Đã cử cán bộ đầu mối phối hợp với cơ quan chủ trì."],
    "middle": [
        "Đã cung cấp thông tin, số liệu theo đề nghị của cơ quan chủ trì.",
        "Đã góp ý dự thảo bằng văn bản; đang phối hợp hoàn thiện.",
    ],
    "end": ["Đã tham gia ý kiến lần cuối; chờ cơ quan chủ trì tổng hợp."],
    "done": [
        "Đã hoàn thành phần việc phối hợp: cung cấp số liệu, góp ý dự thảo theo đề nghị của cơ "
        "quan chủ trì.",
        "Hoàn thành nội dung phối hợp; đã gửi văn bản góp ý cho cơ quan chủ trì.",
    ],
    "late": ["Hoàn thành phần việc phối hợp, chậm so với đề nghị của cơ quan chủ trì."],
    "stuck": ["Chưa cung cấp đủ số liệu do đang chờ các đơn vị trực thuộc tổng hợp."],
}
NOTE_HANDED_OVER = (
    "{unit} sáp nhập vào {successor} từ {day:%d/%m/%Y}; hồ sơ, kết quả thực hiện nhiệm vụ đã bàn "
    "giao cho {successor}."
)

# Why the coordinator sent a 100% report back (Verification "returned", shown to the unit).
RETURN_REASONS = [
    "Chưa có tài liệu kiểm chứng: đề nghị bổ sung quyết định ban hành.",
    "Tài liệu kiểm chứng là bản chưa ký: đề nghị cập nhật bản đã ký số của lãnh đạo đơn vị.",
    ("Sản phẩm chưa đúng yêu cầu của kế hoạch: báo cáo thiếu số liệu của các tổ dân phố, đơn vị "
     "trực thuộc; đề nghị bổ sung, hoàn thiện."),
    ("Kết quả chưa đạt chỉ tiêu kế hoạch giao; đề nghị tiếp tục thực hiện, báo cáo lại khi hoàn "
     "thành."),
]
# The unit's next report after a return.
NOTES_AFTER_RETURN = [
    ("Tiếp thu ý kiến của Sở Nội vụ, đang bổ sung tài liệu kiểm chứng; sẽ báo cáo hoàn thành "
     "sau khi cập nhật."),
    "Đang hoàn thiện sản phẩm theo ý kiến trả lại của Sở Nội vụ; dự kiến trình ký trong tuần.",
    "Đã chỉnh sửa theo ý kiến trả lại; đang xin ý kiến lãnh đạo trước khi báo cáo lại.",
]


@dataclass(frozen=True)
class ExtensionSpec:
    """A deadline extension: the new deadline is `days` from today, and a week later than the
    previous one at least; decided a few days before the previous deadline."""

    days: int
    reason: str


# Current plan: (task code, unit code) -> its extensions, oldest first.
EXTENSIONS_CURRENT = {
    # Would be overdue: extended, now in progress.
    ("6.5", "16681"): (ExtensionSpec(
        18, "Chờ Ban Cơ yếu Chính phủ cấp chứng thư số cho công chức phường sau kiện toàn."),),
    ("4.2", "SNV"): (
        ExtensionSpec(-5, "Chờ hướng dẫn của Bộ Nội vụ về tuyển dụng công chức cấp xã sau sắp "
                          "xếp."),
        ExtensionSpec(15, "Số lượng hồ sơ dự tuyển lớn, cần thêm thời gian tổ chức xét tuyển."),
    ),
    ("1.6", "SXD"): (ExtensionSpec(
        10, "Chờ hướng dẫn của Bộ Xây dựng về phân cấp thẩm quyền cấp giấy phép xây dựng."),),
    # Extended, and late all the same.
    ("6.12", "SDTTG"): (ExtensionSpec(
        -8, "Chưa được bố trí kinh phí số hóa; Sở Tài chính đang thẩm định dự toán."),),
    # Done after the first deadline, before the new one: on time.
    ("2.9", "SCT"): (ExtensionSpec(
        -50, "Chờ ý kiến của Bộ Công Thương về các điều kiện kinh doanh đề nghị bãi bỏ."),),
}

# --- Loading --------------------------------------------------------------------------------------


@dataclass
class Counter:
    created: int = 0
    total: int = 0


def load_demo(
    *,
    today: datetime.date | None = None,
    password: str | None = None,
    stdout: IO[str] | None = None,
) -> dict[str, dict[str, int]]:
    """Create or refresh the demo; return {"units": {"created": n, "total": m}, ...}."""
    today = today or timezone.localdate()
    password = password or os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
    if today < WARDS_FROM:
        raise ValueError("The current-year demo plan uses the units of 1/7/2025 onwards.")
    counts = {
        name: Counter() for name in (
            "groups", "units", "users", "memberships", "plans", "areas", "solutions", "tasks",
            "assignments", "entries", "verifications", "extensions",
        )
    }
    with transaction.atomic():
        _load_groups(counts["groups"])
        units = _load_units(counts["units"])
        users = _load_users(units, password, counts["users"], counts["memberships"])
        _load_contacts(units, counts["users"], counts["memberships"])
        coordinator = users["coordinator"]
        plan_2024 = _load_plan(
            year=2024, document=("02/KH-UBND", datetime.date(2024, 1, 5)),
            status=Plan.Status.CLOSED, counts=counts,
        )
        current = _load_plan(
            year=today.year,
            document=("08/KH-UBND", min(datetime.date(today.year, 1, 6), today)),
            status=Plan.Status.ACTIVE, counts=counts,
        )
        # A demo left from an earlier year must not compete with this one for the dashboard.
        Plan.objects.filter(
            year__gte=2025, year__lt=today.year, title__startswith=_plan_title(""),
            status=Plan.Status.ACTIVE,
        ).update(status=Plan.Status.CLOSED)

        assigned_2024 = _local(plan_2024.start_date)
        # Assigned at least 100 days ago, so that "stale" (no report for STALE_DAYS) and a
        # spread-out history exist even in January.
        assigned_now = _local(min(
            current.start_date,
            today - datetime.timedelta(days=max(100, 2 * settings.STALE_DAYS + 40)),
        ))
        outcomes_2024 = _load_tasks(
            plan_2024, TASKS_2024, units, assigned_at=assigned_2024,
            due_of=lambda spec: spec.due, today=today, user=coordinator, counts=counts,
        )
        outcomes_now = _load_tasks(
            current, TASKS_CURRENT, units, assigned_at=assigned_now,
            due_of=lambda spec: _relative_due(spec.due, today, current.end_date, assigned_now),
            today=today, user=coordinator, counts=counts,
            fmt={"year": today.year, "prev": today.year - 1, "next": today.year + 1},
        )
        _load_history(plan_2024, outcomes_2024, users, last_day=plan_2024.end_date,
                      today=None, extensions={}, counts=counts)
        _load_history(current, outcomes_now, users, last_day=today - datetime.timedelta(days=1),
                      today=today, extensions=EXTENSIONS_CURRENT, counts=counts)
        plans = [plan_2024, current]
        _verify_completed(plans, coordinator, today=today, counter=counts["verifications"])
        _load_periods(plans, coordinator, today=today)
        _load_indicators(plans, coordinator)
        demo_surveys.load(today=today, password=password, stdout=stdout)
        demo_public.load(today=today, password=password, stdout=stdout)

        counts["plans"].total = len(plans)
        counts["areas"].total = ReformArea.objects.filter(plan__in=plans).count()
        counts["solutions"].total = Solution.objects.filter(plan__in=plans).count()
        counts["tasks"].total = Task.objects.filter(plan__in=plans).count()
        for name, model in (("assignments", Assignment), ("entries", ProgressEntry),
                            ("verifications", Verification), ("extensions", DeadlineExtension)):
            prefix = "" if model is Assignment else "assignment__"
            counts[name].total = model.objects.filter(**{f"{prefix}task__plan__in": plans}).count()
        demo_notifications.load(today=today, password=password, stdout=stdout)
        demo_index.load(today=today, password=password, stdout=stdout)

    result = {name: {"created": c.created, "total": c.total} for name, c in counts.items()}
    if stdout is not None:
        for name, c in result.items():
            stdout.write(f"{name}: {c['total']} ({c['created']} new)\n")
    return result


def _load_periods(plans: list[Plan], coordinator, *, today: datetime.date) -> None:
    """Each plan's reporting periods; those whose report was due already are closed (frozen)."""
    from plans.models import ReportingPeriod
    from insight.services import close_period
    from plans.services import ensure_periods

    for plan in plans:
        ensure_periods(plan)
        # A period closes only after its last day, in real time too (the demo may be dated ahead).
        last_day = min(today, timezone.localdate()) - datetime.timedelta(days=1)
        due = ReportingPeriod.objects.filter(
            plan=plan, closed_at__isnull=True, report_due__lt=today, end_date__lte=last_day
        )
        for period in due:
            close_period(period=period, user=coordinator)


# The 2024 plan's targets and what closed periods reported against them.
INDICATORS = [
    ("Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn", "gte", "95", "%",
     {"q1": "93.8", "h1": "95.6", "q3": "96.2", "year": "97.1"}),
    ("Tỷ lệ hồ sơ trễ hạn có văn bản xin lỗi người dân", "gte", "100", "%",
     {"q1": "88.0", "h1": "96.5", "q3": "100", "year": "100"}),
    ("Mức độ hài lòng của người dân, tổ chức", "gte", "90", "%",
     {"q1": "89.2", "h1": "90.4", "q3": "91.0", "year": "91.3"}),
    ("Chỉ số hài lòng về sự phục vụ hành chính (SIPAS)", "gt", "86", "%",
     {"h1": "85.1", "year": "87.4"}),
]


def _load_indicators(plans: list[Plan], coordinator) -> None:
    """The plan targets, and an actual for each closed period (entered by the coordinator)."""
    from decimal import Decimal

    from plans.models import Indicator, IndicatorValue, ReportingPeriod

    for plan in plans:
        closed = {p.kind: p for p in ReportingPeriod.objects.filter(plan=plan, closed_at__isnull=False)}
        for position, (name, comparison, target, unit, actuals) in enumerate(INDICATORS):
            indicator, _created = Indicator.objects.get_or_create(
                plan=plan, name=name,
                defaults={"position": position, "comparison": comparison,
                          "target": Decimal(target), "unit_of_measure": unit},
            )
            for kind, actual in actuals.items():
                if kind in closed:
                    IndicatorValue.objects.get_or_create(
                        indicator=indicator, period=closed[kind],
                        defaults={"actual": Decimal(actual), "entered_by": coordinator},
                    )


def _history_manager(model: type[models.Model]):
    """The model's django-simple-history manager, or None for a model without history."""
    name = getattr(model._meta, "simple_history_manager_attribute", None)
    return getattr(model, name) if name else None


def _record_history(
    model: type[models.Model], objs: list, *, update: bool = False, **kwargs
) -> None:
    """The history rows save() would have written for objs, written by bulk writes instead."""
    manager = _history_manager(model)
    if manager is not None and objs:
        manager.bulk_history_create(objs, update=update, batch_size=500, **kwargs)


def _upsert(
    model: type[models.Model], key: str, rows: dict, *, scope: dict | None = None,
    create_only: dict | None = None, history: dict | None = None,
) -> tuple[dict, list, list]:
    """Create missing rows and update changed ones, in a few queries.

    Return ({key: obj}, keys created, objects changed). rows: {key value: {field attname:
    value}}; create_only: {key value: {...}}, fields written when the row is created and never
    changed afterwards. history: when given, the history rows (of a model with history) for
    the rows created, with these bulk_history_create() arguments, and for the rows changed.
    """
    scope = scope or {}
    create_only = create_only or {}
    query = model.objects.filter(**scope, **{f"{key}__in": list(rows)})
    existing = {getattr(obj, key): obj for obj in query}
    new = [
        model(**scope, **{key: value}, **fields, **create_only.get(value, {}))
        for value, fields in rows.items()
        if value not in existing
    ]
    changed = []
    for value, obj in existing.items():
        fields = rows[value]
        if any(getattr(obj, name) != wanted for name, wanted in fields.items()):
            for name, wanted in fields.items():
                setattr(obj, name, wanted)
            changed.append(obj)
    model.objects.bulk_create(new)
    if changed:
        model.objects.bulk_update(changed, list(next(iter(rows.values()))))
    new_keys = [getattr(obj, key) for obj in new]
    if new:
        existing = {getattr(obj, key): obj for obj in query.all()}
    if history is not None:
        _record_history(model, [existing[k] for k in new_keys], **history)
        _record_history(model, changed, update=True)
    return existing, new_keys, changed


def _load_groups(counter: Counter) -> None:
    for name in (COORDINATORS_GROUP, LEADERS_GROUP):
        _, created = Group.objects.get_or_create(name=name)
        counter.created += created
    counter.total = 2


def _load_units(counter: Counter) -> dict[str, Unit]:
    specs = unit_specs()
    units, new_codes, changed = _upsert(Unit, "code", {
        spec.code: {
            "name": spec.name, "short_name": spec.short_name, "kind": spec.kind,
            "active_from": spec.active_from, "active_to": spec.active_to,
        }
        for spec in specs
    })
    counter.created = len(new_codes)
    # Successors second: a merged unit may point at one defined after it.
    for spec in specs:
        unit = units[spec.code]
        successor_id = units[spec.successor].pk if spec.successor else None
        if unit.successor_id != successor_id:
            unit.successor_id = successor_id
            changed.append(unit)
    Unit.objects.bulk_update(changed, ["successor"])
    # History rows once the successors are in place, as if each unit had been saved whole.
    new_codes = set(new_codes)
    _record_history(Unit, [units[code] for code in new_codes])
    _record_history(Unit, list({u.pk: u for u in changed if u.code not in new_codes}.values()),
                    update=True)
    counter.total = len(units)
    return units


def _load_users(
    units: dict[str, Unit], password: str, users_counter: Counter, memberships_counter: Counter
) -> dict[str, AbstractUser]:
    groups = {g.name: g for g in Group.objects.filter(name__in=[COORDINATORS_GROUP,
                                                                LEADERS_GROUP])}
    # One hash for all: the demo accounts share a published password anyway, and Argon2 is
    # slow on purpose.
    password_hash = make_password(password)
    User = get_user_model()
    users = {}
    for spec in USERS:
        user, created = User.objects.update_or_create(
            username=spec.username,
            defaults={
                "first_name": spec.first_name, "last_name": spec.last_name, "is_active": True,
                "is_staff": spec.superuser, "is_superuser": spec.superuser,
                "password": password_hash,
            },
        )
        user.groups.set([groups[name] for name in spec.groups])
        for code, role in spec.memberships:
            # Saved only when new or changed: every save of a membership writes a history row.
            membership, m_created = Membership.objects.get_or_create(
                user=user, unit=units[code], defaults={"role": role}
            )
            if membership.role != role:
                membership.role = role
                membership.save(update_fields=["role"])
            memberships_counter.created += m_created
            memberships_counter.total += 1
        users[spec.username] = user
        users_counter.created += created
    users_counter.total = len(users)
    return users


# Each unit's contact person for reform work (đầu mối cải cách hành chính), as Sở Nội vụ keeps
# them: named, with the office phone, so the dashboard says whom to call about a unit behind.
# Accounts without a password (an admin gives one when the person starts using the portal); a
# few units have none recorded yet, as in practice.
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ",
          "Ngô", "Dương", "Thái", "Cao"]
MIDDLE = ["Văn", "Thị", "Đức", "Thị Thu", "Hữu", "Quang", "Thị Hồng", "Xuân", "Ngọc", "Thị Minh"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng", "Hương",
         "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phong", "Phương", "Quân", "Tâm",
         "Thảo", "Trang", "Tuấn", "Vân", "Yến"]
NO_CONTACT_EVERY = 9  # every ninth unit has no contact person recorded


def _load_contacts(units: dict[str, Unit], users_counter: Counter,
                   memberships_counter: Counter) -> None:
    User = get_user_model()
    # Units whose head or contact is someone else (e.g. head.tuphap) keep theirs.
    covered = set(Membership.objects.filter(
        models.Q(is_contact=True) | models.Q(role=Membership.Role.HEAD)
    ).exclude(user__username__startswith="daumoi.").values_list("unit_id", flat=True))
    for index, code in enumerate(sorted(units)):
        unit = units[code]
        if unit.pk in covered or index % NO_CONTACT_EVERY == NO_CONTACT_EVERY - 1:
            continue
        user, created = User.objects.get_or_create(
            username=f"daumoi.{code.lower()}",
            defaults={"last_name": f"{FAMILY[index % len(FAMILY)]} "
                                   f"{MIDDLE[(index // 3) % len(MIDDLE)]}",
                      "first_name": GIVEN[(index * 7) % len(GIVEN)], "is_active": True},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        Profile.objects.get_or_create(user=user, defaults={
            "phone": f"0238 3{(index * 7919) % 1000000:06d}",
            "digest_frequency": Profile.DigestFrequency.OFF})
        _membership, m_created = Membership.objects.get_or_create(
            user=user, unit=unit, defaults={"role": Membership.Role.STAFF, "is_contact": True})
        users_counter.created += created
        users_counter.total += 1
        memberships_counter.created += m_created
        memberships_counter.total += 1


def _plan_title(year: int | str) -> str:
    return f"Kế hoạch cải cách hành chính năm {year}"


def _load_plan(
    *, year: int, document: tuple[str, datetime.date], status: str,
    counts: dict[str, Counter],
) -> Plan:
    plan, created = Plan.objects.update_or_create(
        year=year, title=_plan_title(year),
        defaults={
            "document_number": document[0], "document_date": document[1],
            "start_date": datetime.date(year, 1, 1), "end_date": datetime.date(year, 12, 31),
            "status": status,
        },
    )
    counts["plans"].created += created
    _, created, _ = _upsert(ReformArea, "number", {
        number: {"name": name} for number, name in AREAS
    }, scope={"plan": plan})
    counts["areas"].created += len(created)
    _, created, _ = _upsert(Solution, "number", {
        number: {"title": title, "text": text} for number, title, text in SOLUTIONS
    }, scope={"plan": plan})
    counts["solutions"].created += len(created)
    return plan


def _relative_due(
    offset: int | None, today: datetime.date, plan_end: datetime.date,
    assigned_at: datetime.datetime,
) -> datetime.date | None:
    """A deadline `offset` days from today, on a month end where that keeps its class."""
    if offset is None:
        return None
    soon = settings.DUE_SOON_DAYS
    if offset <= -31:
        return max(_month_end(today + datetime.timedelta(days=offset)),
                   timezone.localdate(assigned_at) + datetime.timedelta(days=30))
    if offset < 0:
        return today + datetime.timedelta(days=offset)
    if offset <= 7:  # meant as "due soon", whatever the setting
        return today + datetime.timedelta(days=max(0, min(offset, soon)))
    due = min(_month_end(today + datetime.timedelta(days=offset)), plan_end)
    if due <= today + datetime.timedelta(days=soon):
        due = today + datetime.timedelta(days=max(offset, soon + 1))
    return due


def _month_end(day: datetime.date) -> datetime.date:
    next_month = day.replace(day=28) + datetime.timedelta(days=4)
    return next_month - datetime.timedelta(days=next_month.day)


def _local(day: datetime.date, hour: int = 8, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _working_day(day: datetime.date, *, back: bool = False) -> datetime.date:
    """The day itself, or the Monday after (back: the Friday before) a weekend day."""
    if day.weekday() < 5:
        return day
    if back:
        return day - datetime.timedelta(days=day.weekday() - 4)
    return day + datetime.timedelta(days=7 - day.weekday())


def _parse_units(text: str, default: str) -> list[tuple[str, str]]:
    """ "STP:O @WARDS:TTL" -> [("STP", "O"), ("16681", "T"), ...]."""
    result = []
    for token in text.split():
        name, _, letters = token.partition(":")
        if name.startswith("@"):
            codes = UNIT_GROUPS[name[1:]]
            letters = letters or default
            result += [(code, letters[i % len(letters)]) for i, code in enumerate(codes)]
        else:
            result.append((name, letters or default))
    return result


def _load_tasks(
    plan: Plan,
    specs: Iterable[TaskSpec],
    units: dict[str, Unit],
    *,
    assigned_at: datetime.datetime,
    due_of: Callable[[TaskSpec], datetime.date | None],
    today: datetime.date,
    user: AbstractUser,
    counts: dict[str, Counter],
    fmt: dict | None = None,
) -> dict[tuple[str, str], str]:
    """Create or refresh the plan's tasks and assignments; return {(task code, unit code): outcome}.

    A task's deadline is set when it is created only: its assignments and their history were
    judged against it. `user` (the coordinator) created the tasks and assigned them.
    """
    fmt = fmt or {}
    specs = list(specs)
    areas = {a.number: a.pk for a in plan.areas.all()}
    solutions = {s.number: s.pk for s in plan.solutions.all()}
    tasks, created, _ = _upsert(
        Task, "code",
        {
            spec.code: {
                "area_id": areas[int(spec.code.split(".")[0])],
                "solution_id": solutions.get(spec.solution),
                "title": spec.title.format(**fmt),
                "description": spec.description.format(**fmt),
                "expected_output": spec.output.format(**fmt),
                "source_document": spec.source,
            }
            for spec in specs
        },
        scope={"plan": plan},
        create_only={
            spec.code: {"due_date": due_of(spec), "created_at": assigned_at} for spec in specs
        },
        history={"default_date": assigned_at, "default_user": user},
    )
    counts["tasks"].created += len(created)
    assigned = set(
        Assignment.objects.filter(task__plan=plan).values_list("task__code", "unit__code")
    )
    outcomes: dict[tuple[str, str], str] = {}
    new_assignments: list[int] = []
    for spec in specs:
        task = tasks[spec.code]
        # Unless the spec says otherwise, a unit finished what was due, and is at work on the rest.
        default = "T" if (task.due_date or plan.end_date) < today else "O"
        for role, text in ((Assignment.Role.LEAD, spec.lead),
                           (Assignment.Role.SUPPORT, spec.support)):
            pairs = _parse_units(text, default)
            for code, letter in pairs:
                if (spec.code, code) in outcomes:
                    raise ValueError(f"Task {spec.code} names unit {code} twice.")
                outcomes[(spec.code, code)] = letter
            missing = [units[code] for code, _ in pairs if (spec.code, code) not in assigned]
            if missing:
                made = assign_task(task=task, units=missing, role=role, user=user)
                new_assignments += [a.pk for a in made]
    # assign_task stamps the moment of the call; the demo's history starts at the plan's start.
    Assignment.objects.filter(pk__in=new_assignments).update(created_at=assigned_at)
    Assignment.history.filter(id__in=new_assignments, history_type="+").update(
        created_at=assigned_at, history_date=assigned_at
    )
    counts["assignments"].created += len(new_assignments)
    return outcomes


@dataclass
class Story:
    """What happened to one assignment, oldest first.

    reports: (reported at, percent, note); decisions: the coordinator's decisions on 100%
    reports, (index of the report in `reports`, decided at, Verification.Decision, reason). A
    last 100% report without a decision awaits verification.
    """

    reports: list[tuple[datetime.datetime, int, str]]
    decisions: list[tuple[int, datetime.datetime, str, str]]


def _load_history(
    plan: Plan,
    outcomes: dict[tuple[str, str], str],
    users: dict[str, AbstractUser],
    *,
    last_day: datetime.date,
    today: datetime.date | None,
    extensions: dict[tuple[str, str], tuple[ExtensionSpec, ...]],
    counts: dict[str, Counter],
) -> None:
    """Give every demo assignment without a report a plausible history, and its latest fields.

    The history is its reports, the coordinator's decisions on its 100% reports and its deadline
    extensions, all written once and never changed (PostgreSQL refuses to); the assignment's
    fields and its audit history (django-simple-history) are what the services
    (record_progress, verify_completion, return_completion, extend_deadline) would have left.
    """
    coordinator = users["coordinator"]
    # Decisions are made before the day the demo is loaded for.
    horizon = _local(today, 0) if today is not None else None
    fresh = (
        Assignment.objects.filter(task__plan=plan)
        .exclude(Exists(ProgressEntry.objects.filter(assignment=OuterRef("pk"))))
        .select_related("task", "unit__successor")
    )
    already_extended = set(
        DeadlineExtension.objects.filter(assignment__task__plan=plan)
        .values_list("assignment_id", flat=True)
    )
    work = []
    entries: list[ProgressEntry] = []
    new_extensions: list[DeadlineExtension] = []
    for assignment in fresh:
        key = (assignment.task.code, assignment.unit.code)
        outcome = outcomes.get(key)
        if outcome is None:  # added by hand, not by the demo
            continue
        seed = f"{plan.year}/{key[0]}/{key[1]}"
        extended = []
        if (today is not None and key in extensions and outcome != "N"
                and assignment.pk not in already_extended):
            extended = _extend(assignment, extensions[key], today=today, user=coordinator,
                               rng=random.Random(f"{seed}/extension"))
        story = _history(assignment, outcome, plan=plan, last_day=last_day, today=today,
                         horizon=horizon, rng=random.Random(seed))
        if not story.reports and not extended:
            continue
        reporter = users[REPORTERS.get(assignment.unit.code, "coordinator")]
        made = [
            ProgressEntry(assignment=assignment, percent=percent, note=note,
                          reported_by=reporter, reported_at=moment)
            for moment, percent, note in story.reports
        ]
        entries += made
        new_extensions += extended
        work.append((assignment, story, made, extended, reporter))
    ProgressEntry.objects.bulk_create(entries, batch_size=500)
    if any(entry.pk is None for entry in entries):  # a database that returns no ids
        ids = {
            (a, at): pk for pk, a, at in ProgressEntry.objects.filter(
                assignment__in=[a for a, *_ in work]).values_list("pk", "assignment", "reported_at")
        }
        for entry in entries:
            entry.pk = ids[(entry.assignment_id, entry.reported_at)]
    DeadlineExtension.objects.bulk_create(new_extensions)

    # Replay each assignment's events, as the services would have, for its fields, its
    # verifications and one audit history row per event.
    verifications: list[Verification] = []
    audit: list[Assignment] = []
    for assignment, story, made, extended, reporter in work:
        if extended:
            assignment.due_date = extended[0].previous_due_date
        events = [(e.decided_at, 0, "extend", e) for e in extended]
        events += [(e.reported_at, 1, "report", e) for e in made]
        events += [(at, 2, decision, (made[i], reason))
                   for i, at, decision, reason in story.decisions]
        events.sort(key=lambda event: (event[0], event[1]))
        for moment, _, kind, item in events:
            if kind == "extend":
                assignment.due_date = item.new_due_date
                actor = coordinator
            elif kind == "report":
                assignment.latest_percent = item.percent
                assignment.latest_report_at = item.reported_at
                assignment.pending_entry_id = item.pk if item.percent == 100 else None
                if item.percent == 100:
                    assignment.returned_reason = ""
                actor = reporter
            else:
                entry, reason = item
                verifications.append(Verification(
                    assignment=assignment, entry=entry, decision=kind, reason=reason,
                    decided_by=coordinator, decided_at=moment,
                ))
                assignment.pending_entry_id = None
                if kind == Verification.Decision.VERIFIED:
                    assignment.completed_on = timezone.localdate(entry.reported_at)
                    assignment.returned_reason = ""
                else:
                    assignment.returned_reason = reason
                actor = coordinator
            row = copy.copy(assignment)
            row._history_date = moment
            row._history_user = actor
            audit.append(row)
    Verification.objects.bulk_create(verifications, batch_size=500)
    # The replayed fields, in few queries: the latest report and the completion date from the
    # rows just written, in one UPDATE; the rarer fields only where they are set.
    newest = ProgressEntry.objects.filter(assignment=OuterRef("pk")).order_by("-reported_at", "-pk")
    verified = Verification.objects.filter(
        assignment=OuterRef("pk"), decision=Verification.Decision.VERIFIED
    ).annotate(day=TruncDate("entry__reported_at"))
    Assignment.objects.filter(pk__in=[a.pk for a, _, made, *_ in work if made]).update(
        latest_percent=Subquery(newest.values("percent")[:1]),
        latest_report_at=Subquery(newest.values("reported_at")[:1]),
        completed_on=Subquery(verified.values("day")[:1]),
    )
    rare = [a for a, *_ in work
            if a.pending_entry_id or a.returned_reason or a.due_date != a.original_due_date]
    Assignment.objects.bulk_update(rare, ["pending_entry", "returned_reason", "due_date"])
    _record_history(Assignment, audit, update=True)
    counts["entries"].created += len(entries)
    counts["verifications"].created += len(verifications)
    counts["extensions"].created += len(new_extensions)


def _extend(
    assignment: Assignment,
    specs: tuple[ExtensionSpec, ...],
    *,
    today: datetime.date,
    user: AbstractUser,
    rng: random.Random,
) -> list[DeadlineExtension]:
    """The assignment's extensions (unsaved), its due date moved to the last one's."""
    due = assignment.due_date
    earliest = timezone.localdate(assignment.created_at) + datetime.timedelta(days=1)
    latest = today - datetime.timedelta(days=1)
    rows = []
    for spec in specs:
        if due is None:  # an ongoing task has no deadline to extend
            break
        new_due = max(today + datetime.timedelta(days=spec.days),
                      due + datetime.timedelta(days=7))
        # Asked for, and granted, a few days before the deadline.
        day = _working_day(due - datetime.timedelta(days=rng.randint(2, 7)), back=True)
        day = min(max(day, earliest), latest)
        rows.append(DeadlineExtension(
            assignment=assignment, previous_due_date=due, new_due_date=new_due,
            reason=spec.reason,
            document=f"Công văn số {rng.randint(1200, 4800)}/UBND-NC "
                     f"ngày {day.day}/{day.month}/{day.year}",
            decided_by=user, decided_at=_local(day, rng.randint(8, 16), rng.randint(0, 59)),
        ))
        due, earliest = new_due, day + datetime.timedelta(days=1)
    # The replay of the events sets the due date; the history is written against the last one.
    assignment.due_date = due
    return rows


def _decision_moment(
    reported_at: datetime.datetime, rng: random.Random, horizon: datetime.datetime | None
) -> datetime.datetime:
    """When the coordinator decided on a 100% report: a working day or two later, before
    `horizon` (the start of the demo's today) in any case."""
    day = _working_day(timezone.localdate(reported_at) + datetime.timedelta(
        days=rng.randint(1, 3)))
    moment = _local(day, rng.randint(8, 16), rng.randint(0, 59))
    if horizon is not None and moment >= horizon:  # reported yesterday: decided the same evening
        moment = min(reported_at + datetime.timedelta(minutes=rng.randint(20, 90)),
                     horizon - datetime.timedelta(minutes=1))
    return max(moment, reported_at + datetime.timedelta(minutes=1))


def _verify_completed(
    plans: list[Plan], user: AbstractUser, *, today: datetime.date, counter: Counter
) -> None:
    """Verify the first 100% report of every completed assignment that has no verification.

    A demo loaded before verification existed completed assignments on their first 100% report
    and recorded no decision; the histories loaded now come with theirs, and none is missing.
    """
    missing = list(
        Assignment.objects.filter(task__plan__in=plans, completed_on__isnull=False)
        .exclude(Exists(Verification.objects.filter(
            assignment=OuterRef("pk"), decision=Verification.Decision.VERIFIED)))
        .select_related("task__plan", "unit")
    )
    if not missing:
        return
    first_full: dict[int, ProgressEntry] = {}
    for entry in ProgressEntry.objects.filter(assignment__in=missing, percent=100).order_by(
            "reported_at", "pk"):
        first_full.setdefault(entry.assignment_id, entry)
    horizon = min(timezone.now(), _local(today, 0))
    verifications, fixed = [], []
    for assignment in missing:
        entry = first_full.get(assignment.pk)
        if entry is None:
            continue
        rng = random.Random(
            f"{assignment.task.plan.year}/{assignment.task.code}/{assignment.unit.code}/verified")
        verifications.append(Verification(
            assignment=assignment, entry=entry, decision=Verification.Decision.VERIFIED,
            decided_by=user, decided_at=_decision_moment(entry.reported_at, rng, horizon),
        ))
        done = timezone.localdate(entry.reported_at)
        if assignment.completed_on != done:
            assignment.completed_on = done
            fixed.append(assignment)
    Verification.objects.bulk_create(verifications)
    Assignment.objects.bulk_update(fixed, ["completed_on"])
    counter.created += len(verifications)


def _history(
    assignment: Assignment,
    outcome: str,
    *,
    plan: Plan,
    last_day: datetime.date,
    today: datetime.date | None,
    horizon: datetime.datetime | None,
    rng: random.Random,
) -> Story:
    """The reports and decisions of one assignment, for its intended outcome.

    `today` is None for a closed plan: everything not done by its end stays overdue, and
    nothing awaits a decision.
    """
    if outcome == "N":
        return Story([], [])
    if outcome in "PR" and today is None:
        outcome = "O"
    start = timezone.localdate(assignment.created_at) + datetime.timedelta(days=1)
    unit = assignment.unit
    # A unit merged away during the plan reports until its last day, then hands over.
    ended_early = unit.active_to is not None and unit.active_to < last_day
    if ended_early:
        last_day = unit.active_to
    due = assignment.due_date or plan.end_date
    if outcome == "L" and due + datetime.timedelta(days=2) > last_day:
        outcome = "O"  # too late to be late: not done yet
    notes = NOTES_LEAD if assignment.role == Assignment.Role.LEAD else NOTES_SUPPORT
    output = assignment.task.expected_output
    original = assignment.original_due_date

    if outcome == "T":
        if original is not None and original < min(due, last_day):
            # Extended, and done after the first deadline: on time by the new one.
            done = original + datetime.timedelta(
                days=rng.randint(1, (min(due, last_day) - original).days))
        else:
            done = min(due, last_day) - datetime.timedelta(days=rng.randint(0, 15))
        end_day, final = max(done, start), 100
        final_note = rng.choice(notes["done"]).format(output=output)
    elif outcome == "L":
        end_day = due + datetime.timedelta(days=rng.randint(2, min(45, (last_day - due).days)))
        final = 100
        final_note = rng.choice(notes["late"]).format(output=output)
    elif outcome == "P":  # reported done in the last week; not verified yet
        end_day = max(start, last_day - datetime.timedelta(days=rng.randint(0, 6)))
        final = 100
        final_note = rng.choice(notes["late" if end_day > due else "done"]).format(output=output)
    elif outcome == "R":  # reported done a few weeks ago; returned, and at work on it again
        end_day = max(start, min(due - datetime.timedelta(days=rng.randint(0, 5)),
                                 last_day - datetime.timedelta(days=rng.randint(10, 20))))
        final = 100
        final_note = rng.choice(notes["done"]).format(output=output)
    else:
        stale = outcome == "S" and today is not None
        if stale:
            end_day = today - datetime.timedelta(
                days=settings.STALE_DAYS + rng.randint(5, 40))
        elif today is not None:
            end_day = today - datetime.timedelta(
                days=rng.randint(1, max(1, min(20, settings.STALE_DAYS // 2))))
        else:
            end_day = min(last_day, due + datetime.timedelta(days=rng.randint(0, 40)))
        end_day = max(end_day, start)
        overdue = today is None or due < today
        if overdue:
            final = rng.choice([40, 50, 60, 70, 80, 90])
        elif due <= (today or due) + datetime.timedelta(days=settings.DUE_SOON_DAYS):
            final = rng.choice([50, 60, 70, 80, 90])
        else:
            final = rng.choice([10, 20, 30, 40, 50, 60, 70, 80])
        if ended_early and due > last_day and unit.successor is not None:
            end_day = last_day
            final_note = NOTE_HANDED_OVER.format(
                unit=unit.name, successor=unit.successor.name,
                day=last_day + datetime.timedelta(days=1),
            )
        elif overdue or stale:
            final_note = rng.choice(notes["stuck"])
        else:
            final_note = _stage_note(notes, final, rng)

    steps = sorted(rng.sample(range(10, final, 10), k=min(rng.randint(1, 3),
                                                          len(range(10, final, 10)))))
    first_day = start + datetime.timedelta(
        days=rng.randint(0, max(0, min(30, (end_day - start).days // 2))))
    days = _spread(first_day, end_day, len(steps) + 1)
    moments = sorted(_local(day, rng.randint(8, 16), rng.randint(0, 59)) for day in days[:-1])
    last_moment = _local(end_day, 17, rng.randint(0, 59))
    # Strictly increasing: the newest entry must be the one the assignment's latest fields copy.
    for i in range(1, len(moments)):
        moments[i] = max(moments[i], moments[i - 1] + datetime.timedelta(minutes=1))
    moments = [min(m, last_moment - datetime.timedelta(minutes=len(moments) - i))
               for i, m in enumerate(moments)]
    reports = [
        (moment, percent, _stage_note(notes, percent, rng))
        for moment, percent in zip(moments, steps, strict=True)
    ]
    reports.append((last_moment, final, final_note))
    decisions = []
    if final == 100 and outcome in "TL":
        decisions.append((len(reports) - 1, _decision_moment(last_moment, rng, horizon),
                          Verification.Decision.VERIFIED, ""))
    elif outcome == "R":
        returned_at = _decision_moment(last_moment, rng, horizon)
        decisions.append((len(reports) - 1, returned_at, Verification.Decision.RETURNED,
                          rng.choice(RETURN_REASONS)))
        again = _local(
            min(_working_day(timezone.localdate(returned_at)
                             + datetime.timedelta(days=rng.randint(1, 5))), last_day),
            rng.randint(14, 16), rng.randint(0, 59))
        again = max(again, returned_at + datetime.timedelta(minutes=30))
        reports.append((again, rng.choice([70, 80, 90]), rng.choice(NOTES_AFTER_RETURN)))
    return Story(reports, decisions)


def _spread(first: datetime.date, last: datetime.date, n: int) -> list[datetime.date]:
    if n == 1 or first >= last:
        return [last] * n
    span = (last - first).days
    return [first + datetime.timedelta(days=round(span * i / (n - 1))) for i in range(n)]


def _stage_note(notes: dict[str, list[str]], percent: int, rng: random.Random) -> str:
    stage = "start" if percent <= 30 else "middle" if percent <= 70 else "end"
    return rng.choice(notes[stage]).format(percent=percent)
