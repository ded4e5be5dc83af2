"""Querysets compiled to SQL once per process: the few reads that nearly every request makes.

Django compiles a queryset to SQL on every evaluation. For the user of each request and the entry of
each author page (eight tables joined) the compiling costs four times as much CPU as PostgreSQL spends
running the query, and more than building the model instances. A :class:`PreparedQuery` compiles its
queryset the first time it runs on a database, twice, with two sample values in place of each named argument, keeps
the SQL and the positions of the arguments among the parameters, and from then on only binds the
values, runs the SQL and builds the instances the way Django's ``ModelIterable`` does (the same
``from_db``, the same related populators, the same converters of the same compiler).

What may be prepared (checked when it is compiled, where it can be):

- The SQL must depend on the named arguments only: the builder is called once per database, so a
  value read from the clock, a setting or a user inside it would be frozen into the SQL. Pass such
  values as arguments, or do not prepare the query. The policy's querysets are prepared per role
  (``PreparedQuery`` instances keyed by what decides their shape), never with a user's values inside.
- Each argument must reach the parameters unchanged (a filter on a column with the value itself), or
  compiling refuses with ``ValueError``.
- Model querysets without ``prefetch_related``, ``values()`` or known related objects.
- ``select_for_update()`` only inside ``transaction.atomic()``, as Django asks (``TransactionManagementError``).

The results equal the ORM's: tests/test_prepared.py compares them, query by query.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, get_related_populators
from django.db.transaction import TransactionManagementError

M = TypeVar("M", bound=Model)

# Two sets of sample values, compiled once each: a parameter is an argument's where it holds that
# argument's sample in both compilings, and the two SQL texts must be equal (else the argument shapes the
# SQL, or was written into it). Integers fit the smallest positive integer column (Django compiles an
# out-of-range value to "no rows"); texts hold NUL (never stored in PostgreSQL's text) and LIKE's special
# characters, so that a lookup rewriting its value (``contains``, SQLite's ``iexact``) is refused instead
# of binding the raw value.
_SAMPLES: dict[type, Callable[[int, int], Any]] = {
    int: lambda n, side: 20011 + 2 * n + side,
    str: lambda n, side: f"\x00prepared-{n}-{side}%_\\\x00",
}


class _Statement:
    """SQL and parameters with the positions of the arguments among the parameters."""

    def __init__(self, compiled: tuple[tuple[str, Any], tuple[str, Any]], samples: tuple[dict, dict]):
        (self.sql, params), (other_sql, other_params) = compiled
        self.params = list(params)
        if other_sql != self.sql or len(other_params) != len(self.params):
            raise ValueError("PreparedQuery: the arguments change the SQL itself, not only its parameters")
        # name -> [(position, the type the backend wrapped the value in, e.g. psycopg's Int4, or None)]
        self.positions: dict[str, list[tuple[int, type | None]]] = {}
        pairs = list(enumerate(zip(self.params, other_params, strict=True)))
        for name, sample in samples[0].items():
            other = samples[1][name]
            found = [
                (i, None if type(one) is type(sample) else type(one))
                for i, (one, two) in pairs
                if one == sample and two == other and type(one) is type(two) and isinstance(one, type(sample))
            ]
            if not found:
                raise ValueError(f"PreparedQuery: the argument {name!r} does not reach the SQL's parameters")
            self.positions[name] = found
        taken = {i for positions in self.positions.values() for i, _ in positions}
        if any(one != two for i, (one, two) in pairs if i not in taken):
            raise ValueError("PreparedQuery: an argument reaches the parameters rewritten")

    def execute(self, alias: str, values: dict[str, Any]) -> list[tuple]:
        params = list(self.params)
        for name, positions in self.positions.items():
            for position, wrapper in positions:
                params[position] = values[name] if wrapper is None else wrapper(values[name])
        with connections[alias].cursor() as cursor:
            cursor.execute(self.sql, params)
            return cursor.fetchall()


def _check_model_queryset(queryset: QuerySet) -> None:
    if queryset._prefetch_related_lookups or queryset._known_related_objects:
        raise ValueError("PreparedQuery: prefetch_related and known related objects are not supported")
    if queryset._iterable_class is not ModelIterable:
        raise ValueError("PreparedQuery: model querysets only (no values(), values_list())")


class _Compiled:
    """The SQL of one database and what turns its rows into instances."""

    def __init__(self, querysets: tuple[QuerySet, QuerySet], samples: tuple[dict, dict], alias: str):
        for queryset in querysets:
            _check_model_queryset(queryset)
        compiler, other = (queryset.query.get_compiler(using=alias) for queryset in querysets)
        self.statement = _Statement((compiler.as_sql(), other.as_sql()), samples)
        self.for_update = querysets[0].query.select_for_update
        self.compiler = compiler
        klass_info, select = compiler.klass_info, compiler.select
        self.model = klass_info["model"]
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [column[0].target.attname for column in select[self.start : self.end]]
        self.select = select
        self.klass_info = klass_info
        self.annotations = tuple(compiler.annotation_col_map.items())

    def run(self, alias: str, values: dict[str, Any]) -> list[Model]:
        connection = connections[alias]
        if self.for_update and connection.features.has_select_for_update and connection.get_autocommit():
            # As Django's compiler: a lock outside a transaction would be released at once.
            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        rows = self.statement.execute(alias, values)
        if not rows:
            return []
        # Populators keep no state between rows of one query, but are cheap: one set per run.
        populators = get_related_populators(self.klass_info, self.select, alias)
        found = []
        for row in self.compiler.results_iter([rows]):
            obj = self.model.from_db(alias, self.init_list, row[self.start : self.end])
            for populator in populators:
                populator.populate(row, obj)
            for name, position in self.annotations:
                setattr(obj, name, row[position])
            found.append(obj)
        return found


def _count_statement(querysets: tuple[QuerySet, QuerySet], samples: tuple[dict, dict], alias: str) -> _Statement:
    # The rows' keys in a subquery, counted: the count of any queryset, as Django counts one with
    # DISTINCT or a slice (PostgreSQL plans the plain case as a plain count).
    compiled = []
    for queryset in querysets:
        _check_model_queryset(queryset)
        sql, params = queryset.order_by().values("pk").query.get_compiler(using=alias).as_sql()
        compiled.append((f"SELECT COUNT(*) FROM ({sql}) AS prepared_count", params))  # noqa: S608
    return _Statement(tuple(compiled), samples)


class PreparedQuery(Generic[M]):
    """``PreparedQuery(lambda pk: Entry.objects.select_related("unit").filter(pk=pk), pk=int)``; then
    ``query(pk=5)`` is the list the queryset would give for ``pk=5``, compiled only once per database.

    An argument may be left out where the builder has a default for it (``lambda code="": …``): each set
    of given arguments is compiled once, so a filter the builder adds only for a given value is fine."""

    _numbers = itertools.count(1)

    def __init__(self, build: Callable[..., QuerySet[M]], **kinds: type):
        unknown = {name: kind for name, kind in kinds.items() if kind not in _SAMPLES}
        if unknown:
            raise TypeError(f"PreparedQuery: arguments of types int and str only, not {unknown}")
        self.build = build
        self.kinds = kinds
        numbers = {name: next(self._numbers) for name in kinds}
        self._samples = tuple(
            {name: _SAMPLES[kind](numbers[name], side) for name, kind in kinds.items()} for side in (0, 1)
        )
        # (alias, vendor, the arguments given) -> compiled: an argument left out is the builder's default,
        # which may shape the SQL (a filter left out), so each set of given arguments is compiled apart.
        self._compiled: dict[tuple[str, str, frozenset[str]], _Compiled] = {}
        self._counts: dict[tuple[str, str, frozenset[str]], _Statement] = {}

    def _build(self, alias: str, given: frozenset[str]) -> tuple[tuple[QuerySet, QuerySet], tuple[dict, dict]]:
        samples = tuple({name: sample[name] for name in given} for sample in self._samples)
        return tuple(self.build(**sample) for sample in samples), samples

    def __call__(self, using: str = "default", **values: Any) -> list[M]:
        key = self._key(using, values)
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = _Compiled(*self._build(using, key[2]), using)
        return compiled.run(using, values)

    def count(self, using: str = "default", **values: Any) -> int:
        """``len(query(**values))`` as one ``COUNT(*)`` in the database."""
        key = self._key(using, values)
        statement = self._counts.get(key)
        if statement is None:
            statement = self._counts[key] = _count_statement(*self._build(using, key[2]), using)
        return statement.execute(using, values)[0][0]

    def _key(self, using: str, values: dict[str, Any]) -> tuple[str, str, frozenset[str]]:
        unknown = values.keys() - self.kinds.keys()
        if unknown:
            raise TypeError(f"PreparedQuery: unknown arguments {sorted(unknown)}; it takes {sorted(self.kinds)}")
        for name, value in values.items():
            kind = self.kinds[name]
            if not isinstance(value, kind) or isinstance(value, bool):
                raise TypeError(f"PreparedQuery: {name!r} must be {kind.__name__}")
        return (using, connections[using].vendor, frozenset(values))
