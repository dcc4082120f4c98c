"""Authentication backend: Django's, with the person's group names in the same query."""

import functools

from django.contrib.auth import backends, get_user_model
from django.contrib.auth.models import Group
from django.db import connections, router
from django.db.models import StringAgg, Value

GROUP_SEPARATOR = "\n"


@functools.cache
def _user_sql(using: str) -> str:
    """The person and an array of their group names, by primary key (PostgreSQL)."""
    UserModel = get_user_model()
    quote = connections[using].ops.quote_name
    through = UserModel.groups.through._meta
    # Columns named, not u.*: a prepared statement whose columns change is refused by the server.
    columns = ", ".join(f"u.{quote(f.column)}" for f in UserModel._meta.concrete_fields)
    return (
        "SELECT {columns}, ARRAY(SELECT g.{name} FROM {groups} g JOIN {through} ug"
        " ON ug.{group} = g.{gpk} WHERE ug.{user} = u.{pk}) AS group_names"
        " FROM {users} u WHERE u.{pk} = %s"
    ).format(
        columns=columns, name=quote("name"), groups=quote(Group._meta.db_table),
        through=quote(through.db_table),
        group=quote(through.get_field("group").column), gpk=quote(Group._meta.pk.column),
        user=quote(through.get_field("user").column), pk=quote(UserModel._meta.pk.column),
        users=quote(UserModel._meta.db_table),
    )


class ModelBackend(backends.ModelBackend):
    """Every page asks for the person's role (units.access reads their group names): loading
    the names with the person makes it one query a request instead of two.

    On PostgreSQL the query is a fixed statement the server keeps prepared: the ORM built and
    compiled the same query anew on every request, twice the cost of running it."""

    def get_user(self, user_id):
        UserModel = get_user_model()
        using = router.db_for_read(UserModel)
        if connections[using].vendor == "postgresql":
            user = next(iter(UserModel._default_manager.raw(_user_sql(using), [user_id])), None)
            if user is None:
                return None
            user._group_names = set(user.group_names)
        else:
            try:
                user = UserModel._default_manager.annotate(group_list=StringAgg(
                    "groups__name", delimiter=Value(GROUP_SEPARATOR), default=""
                )).get(pk=user_id)
            except UserModel.DoesNotExist:
                return None
            user._group_names = set(filter(None, user.group_list.split(GROUP_SEPARATOR)))
        return user if self.user_can_authenticate(user) else None
