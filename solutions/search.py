"""Search that ignores Vietnamese diacritics: "cai cach" finds "Cải cách", "dat dai" finds "Đất đai".

fold() is the rule in Python; VnFold is the same rule in SQL (PostgreSQL translate(), and the
Python function itself registered on SQLite), so a query folds both sides the same way.
"""

import unicodedata

from django.db.backends.signals import connection_created
from django.db.models import CharField, Func, Q

_VIET = (
    "àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ"
)
_BASE = (
    "aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd"
)
assert len(_VIET) == len(_BASE)
_FROM = _VIET + _VIET.upper()
_TO = _BASE + _BASE.upper()
_TABLE = str.maketrans(_FROM, _TO)


def fold(text: str) -> str:
    """Lower-case, without Vietnamese (or other) diacritics."""
    text = unicodedata.normalize("NFC", text or "").translate(_TABLE)
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


class VnFold(Func):
    function = "translate"
    output_field = CharField()

    def as_sql(self, compiler, connection, **extra):
        # PostgreSQL: translate() the Vietnamese letters, then lower() the ASCII rest.
        sql, params = compiler.compile(self.source_expressions[0])
        # NORMALIZE first: text pasted from a PDF often has combining accents (NFD).
        return f"LOWER(TRANSLATE(NORMALIZE({sql}, NFC), %s, %s))", [*params, _FROM, _TO]

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"vn_fold({sql})", params


def _register_sqlite_fold(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function("vn_fold", 1, fold, deterministic=True)


connection_created.connect(_register_sqlite_fold)


def folded_search(fields: list[str], query: str) -> Q:
    """A Q matching rows where every word of the query is in one of the fields, diacritics aside."""
    condition = Q()
    for word in fold(query).split():
        any_field = Q()
        for field in fields:
            any_field |= Q(**{f"{field}__contains": word})
        condition &= any_field
    return condition


def annotate_folded(queryset, fields: list[str]):
    return queryset.alias(**{f"_folded_{f.replace('__', '_')}": VnFold(f) for f in fields})


def search(queryset, fields: list[str], query: str):
    """Filter a queryset by the words of query in any of fields, ignoring diacritics and case."""
    query = (query or "").strip()
    if not query:
        return queryset
    aliases = [f"_folded_{f.replace('__', '_')}" for f in fields]
    return annotate_folded(queryset, fields).filter(folded_search(aliases, query))
