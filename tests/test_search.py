"""Search that ignores Vietnamese diacritics and case, in Python and in PostgreSQL."""

import unicodedata

import pytest

from solutions.models import Task
from solutions.search import VnFold, fold, search
from tests.factories import PlanFactory, ReformAreaFactory, TaskFactory

# Every Vietnamese letter with a diacritic, lower then upper case, and what it folds to.
VIETNAMESE = (
    "àáạảãâầấậẩẫăằắặẳẵ"
    "èéẹẻẽêềếệểễ"
    "ìíịỉĩ"
    "òóọỏõôồốộổỗơờớợởỡ"
    "ùúụủũưừứựửữ"
    "ỳýỵỷỹ"
    "đ"
)
FOLDED = "a" * 17 + "e" * 11 + "i" * 5 + "o" * 17 + "u" * 11 + "y" * 5 + "d"


class TestFold:
    @pytest.mark.parametrize(
        ("text", "folded"),
        [
            ("Cải cách thủ tục hành chính", "cai cach thu tuc hanh chinh"),
            ("ĐẤT ĐAI", "dat dai"),
            ("đất đai", "dat dai"),
            ("Đ", "d"),
            ("đ", "d"),
            ("Ư Ơ Ă Â Ê Ô", "u o a a e o"),
            ("Số hoá, số hóa", "so hoa, so hoa"),
            ("KH-UBND 2.3", "kh-ubnd 2.3"),
            ("", ""),
        ],
    )
    def test_examples(self, text, folded):
        assert fold(text) == folded

    def test_none_is_empty(self):
        assert fold(None) == ""

    def test_every_vietnamese_letter(self):
        assert fold(VIETNAMESE) == FOLDED
        assert fold(VIETNAMESE.upper()) == FOLDED

    def test_decomposed_input_folds_like_composed(self):
        # "Unicode tổ hợp" (combining marks), as some keyboards and PDFs produce.
        text = "Cải cách thủ tục hành chính, đất đai"
        decomposed = unicodedata.normalize("NFD", text)
        assert decomposed != text
        assert fold(decomposed) == fold(text) == "cai cach thu tuc hanh chinh, dat dai"


@pytest.fixture
def tasks(db):
    plan = PlanFactory(year=2025)
    area = ReformAreaFactory(plan=plan, number=2, name="Cải cách thủ tục hành chính")
    make = lambda code, title, **kw: TaskFactory(  # noqa: E731
        plan=plan, area=kw.pop("area", area), code=code, title=title, **kw
    )
    return {
        "cchc": make("1.1", "Cải cách thủ tục hành chính cấp tỉnh"),
        "dat_dai": make("2.1", "Rà soát thủ tục về đất đai"),
        "DAT_DAI": make("2.2", "GIAO ĐẤT ĐAI CHO HỘ GIA ĐÌNH"),
        "so_hoa": make("3.1", "Số hoá hồ sơ, kết quả giải quyết thủ tục"),
        "dich_vu": make("4.1", "Dịch vụ công trực tuyến toàn trình",
                        area=ReformAreaFactory(plan=plan, number=6, name="Chính phủ số")),
    }


def found(fields, query):
    return set(search(Task.objects.all(), fields, query).values_list("code", flat=True))


class TestSearchInPostgreSQL:
    FIELDS = ["code", "title"]

    def test_without_diacritics_finds_with(self, tasks):
        assert found(self.FIELDS, "cai cach") == {"1.1"}

    def test_upper_case_without_diacritics_finds_lower_case_with(self, tasks):
        assert found(self.FIELDS, "DAT DAI") == {"2.1", "2.2"}

    def test_with_diacritics_finds_the_same(self, tasks):
        assert found(self.FIELDS, "đất đai") == found(self.FIELDS, "dat dai") == {"2.1", "2.2"}

    def test_d_with_stroke(self, tasks):
        assert found(self.FIELDS, "Đình") == {"2.2"}
        assert found(self.FIELDS, "dinh") == {"2.2"}

    def test_every_word_must_match(self, tasks):
        assert found(self.FIELDS, "thu tuc") == {"1.1", "2.1", "3.1"}
        assert found(self.FIELDS, "thu tuc dat") == {"2.1"}
        assert found(self.FIELDS, "cai dat") == set()  # each word is in some task, not both

    def test_words_may_match_different_fields(self, tasks):
        assert found(self.FIELDS, "2.1 ra soat") == {"2.1"}
        assert found(self.FIELDS, "2.1 giao") == set()  # "giao" is in 2.2, not 2.1
        assert found(self.FIELDS, "SO HOA 3.") == {"3.1"}

    def test_word_order_does_not_matter(self, tasks):
        assert found(self.FIELDS, "hanh chinh cai cach") == {"1.1"}

    def test_empty_query_returns_everything(self, tasks):
        assert found(self.FIELDS, "") == set(t.code for t in tasks.values())
        assert found(self.FIELDS, "   ") == set(t.code for t in tasks.values())
        assert found(self.FIELDS, None) == set(t.code for t in tasks.values())

    def test_no_match(self, tasks):
        assert found(self.FIELDS, "xyz") == set()

    def test_like_wildcards_are_literal(self, tasks):
        assert found(self.FIELDS, "%") == set()
        assert found(self.FIELDS, "_") == set()

    def test_related_field(self, tasks):
        assert found(["code", "title", "area__name"], "chinh phu so") == {"4.1"}
        # "cai cach" is in area 2's name: every task of that area matches.
        assert found(["area__name"], "cai cach") == {"1.1", "2.1", "2.2", "3.1"}

    def test_search_keeps_the_queryset_filter(self, tasks):
        queryset = Task.objects.filter(code__startswith="2.")
        assert set(search(queryset, self.FIELDS, "dat").values_list("code", flat=True)) == {
            "2.1", "2.2"
        }
        assert set(search(queryset, self.FIELDS, "cai cach").values_list("code", flat=True)) \
            == set()

    def test_sql_fold_equals_python_fold_for_every_vietnamese_letter(self, tasks):
        task = tasks["cchc"]
        for text in (VIETNAMESE, VIETNAMESE.upper(), "Cải cách ĐẤT ĐAI 2.3"):
            Task.objects.filter(pk=task.pk).update(title=text)
            in_sql = Task.objects.annotate(f=VnFold("title")).values_list("f", flat=True).get(
                pk=task.pk
            )
            assert in_sql == fold(text)

    def test_decomposed_text_in_the_database_is_found(self, tasks):
        """Text typed as "Unicode tổ hợp" (NFD: letters + combining marks) is still found."""
        title = unicodedata.normalize("NFD", "Công khai thủ tục hành chính")
        TaskFactory(plan=tasks["cchc"].plan, area=tasks["cchc"].area, code="5.1", title=title)
        assert found(self.FIELDS, "cong khai") == {"5.1"}
        in_sql = Task.objects.annotate(f=VnFold("title")).values_list("f", flat=True).get(
            code="5.1"
        )
        assert in_sql == fold(title)
