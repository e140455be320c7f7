"""The one query of a token check, its SQL compiled once per database.

``Model.objects.get(pk=...)`` compiles its SQL on every call: the joins, the
columns, the converters of each column. For a token check that costs the ORM
more than the query itself, and several times an HMAC. :class:`CompiledGet`
keeps what the ORM computed for one primary key and runs it again for
another, building the instances as the ORM's own iterator does.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from django.core.exceptions import EmptyResultSet, ObjectDoesNotExist, ValidationError
from django.core.signals import setting_changed
from django.db import DatabaseError, connections, models
from django.db.models import query as django_query
from django.db.models.query import QuerySet, get_related_populators
from django.dispatch import receiver

# Django 6.1 passes the queryset's fetch mode to the instances it builds.
_FETCH_MODES = "fetch_mode" in inspect.signature(get_related_populators).parameters

# Two keys no row has, within every integer key's range: compiled with each, the SQL must
# be the same and one parameter must differ, the key's. Otherwise the ORM runs the query.
_PROBES = (-1_000_001, -1_000_002)


class _Plan:
    """What running the compiled query again needs, for one database."""

    def __init__(self, queryset: QuerySet[Any]) -> None:
        compilers = [queryset.filter(pk=probe).query.get_compiler(queryset.db) for probe in _PROBES]
        (sql, params), (other_sql, other_params) = (c.as_sql() for c in compilers)
        slots = [
            i for i, pair in enumerate(zip(params, other_params, strict=True)) if pair[0] != pair[1]
        ]
        compiler = compilers[0]
        if sql != other_sql or len(slots) != 1 or params[slots[0]] != _PROBES[0]:
            raise ValueError("the key is not one plain parameter of the query")
        if compiler.annotation_col_map or queryset._known_related_objects:  # type: ignore[attr-defined]
            raise ValueError("the ORM sets more than fields on these instances")
        self.sql, self.params, self.slot = sql, list(params), slots[0]
        select, klass_info = compiler.select, compiler.klass_info
        self.model: type[models.Model] = klass_info["model"]
        self.start, self.end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        self.init_list = [column[0].target.attname for column in select[self.start : self.end]]
        self.from_db: Callable[..., models.Model] = self.model.from_db
        if _FETCH_MODES:  # pragma: no cover (Django 6.1+: the CI's dj6 cells run it)
            fetch_mode = queryset._fetch_mode  # type: ignore[attr-defined]
            bind = getattr(django_query, "_get_from_db", None)  # which also takes old overrides
            self.from_db = (
                bind(self.model, fetch_mode)
                if bind is not None
                else functools.partial(self.model.from_db, fetch_mode=fetch_mode)
            )
            self.populators = get_related_populators(klass_info, select, queryset.db, fetch_mode)
        else:
            self.populators = get_related_populators(  # type: ignore[call-arg,unused-ignore]
                klass_info, select, queryset.db
            )
        self.converters = list(
            compiler.get_converters([column[0] for column in select[: compiler.col_count]]).items()
        )


class CompiledGet:
    """``queryset_for(db).get(pk=pk)`` for integer keys, or ``None`` when there is no row."""

    def __init__(self, queryset_for: Callable[[str], QuerySet[Any]]) -> None:
        self.queryset_for = queryset_for
        self._plans: dict[str, _Plan | None] = {}

    def __call__(self, db: str, pk: int) -> Any:
        if db not in self._plans:
            self._plans[db] = self._plan(db)
        plan = self._plans[db]
        if plan is None:
            try:
                return self.queryset_for(db).get(pk=pk)
            except ObjectDoesNotExist:
                return None
        params = plan.params.copy()
        params[plan.slot] = pk
        connection = connections[db]
        with connection.cursor() as cursor:
            cursor.execute(plan.sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        row = list(row)
        for position, (converters, expression) in plan.converters:
            value = row[position]
            for convert in converters:
                value = convert(value, expression, connection)
            row[position] = value
        instance = plan.from_db(db, plan.init_list, row[plan.start : plan.end])
        for populator in plan.populators:
            populator.populate(row, instance)
        return instance

    def _plan(self, db: str) -> _Plan | None:
        try:
            return _Plan(self.queryset_for(db))
        except (ValueError, TypeError, ValidationError, EmptyResultSet, DatabaseError):
            return None  # e.g. a key of another type: the ORM's own get(), compiled each time


_compiled: list[CompiledGet] = []


def compiled(queryset_for: Callable[[str], QuerySet[Any]]) -> CompiledGet:
    """A :class:`CompiledGet`, forgotten with the others when settings change."""
    query = CompiledGet(queryset_for)
    _compiled.append(query)
    return query


@receiver(setting_changed)
def _forget_plans(*, setting: str, **kwargs: Any) -> None:
    # The SQL, its columns and their converters follow the databases, the models in
    # use and the time zone settings.
    if setting.startswith("DATABASE") or setting in (
        "AUTH_USER_MODEL",
        "INSTALLED_APPS",
        "USE_TZ",
        "TIME_ZONE",
    ):
        for query in _compiled:
            query._plans.clear()
