"""Querysets turned into SQL once, for the few reads every phone makes on every panel and answer.

Django composes a queryset's SQL anew each time one runs. For the session, participant and
notes that a phone's exercise panel and each of its answers read, composing the SQL took half
of the query's CPU and building the queryset most of the rest; the database's own part was a
fifth (docs/benchmarks.md, item 11). In a hall where a step change makes a thousand phones
fetch their panel, that CPU is what the polls queue behind.

A `CompiledQuery` builds its queryset once per database, with marker values where the
parameters go, and keeps the SQL, where each parameter sits in it, and how a row becomes
model instances (select_related objects included, by Django's own populators). Each call then
runs that SQL with its own values through Django's cursor, so query counts, logging and
transactions are those of any query.

Only for plain filters on `str` or `int` values that Django passes to the database as they
are (exact lookups on text fields, keys and ids); a filter that transforms its value would
not find its marker, and the query refuses to compile.
"""

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.query import get_related_populators

# Values no real parameter takes, that come out of Django's value preparation as they went in
# (an int marker within a 32-bit field's range, so Django does not rule the lookup out).
_MARKERS = {
    str: lambda n: f"\x1ecompiled-query-parameter-{n}\x1e",
    int: lambda n: -2_000_000_000 + n,
}


class CompiledQuery:
    """`CompiledQuery(lambda code: Session.objects.filter(code=code), code=str)`;
    then `.all(code="ABC123")` (a list of instances) or `.first(code="ABC123")`."""

    def __init__(self, build, **parameter_types):
        unknown = set(parameter_types.values()) - set(_MARKERS)
        if unknown:
            raise TypeError(f"Parameters must be str or int, not {unknown}")
        self.build = build
        self.parameter_types = parameter_types
        self._plans = {}  # per database alias: the SQL differs from one backend to another

    def all(self, using=DEFAULT_DB_ALIAS, **values):
        plan = self._plans.get(using)
        if plan is None:
            plan = self._plans[using] = _Plan(self.build, self.parameter_types, using)
        return plan.run(self._checked(values), using)

    def first(self, using=DEFAULT_DB_ALIAS, **values):
        found = self.all(using, **values)
        return found[0] if found else None

    def _checked(self, values):
        if values.keys() != self.parameter_types.keys():
            raise TypeError(f"Expected the parameters {sorted(self.parameter_types)}")
        for name, value in values.items():
            if type(value) is not self.parameter_types[name]:
                raise TypeError(f"{name} must be {self.parameter_types[name].__name__}")
        return values


class _Plan:
    """One queryset's SQL for one database, and how to turn its rows into instances."""

    def __init__(self, build, parameter_types, alias):
        markers = {
            name: _MARKERS[kind](number)
            for number, (name, kind) in enumerate(parameter_types.items())
        }
        queryset = build(**markers)
        if queryset._prefetch_related_lookups or queryset._known_related_objects:
            raise ValueError("prefetch_related and related managers' querysets are not compiled")
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        if compiler.annotation_col_map:
            raise ValueError("Annotations are not compiled")
        self.sql, self.params = sql, list(params)
        self.slots = []
        for name, marker in markers.items():
            positions = [i for i, param in enumerate(self.params) if param == marker]
            if len(positions) != 1:
                raise ValueError(f"The parameter {name!r} must be used exactly once, as it is")
            self.slots.append((positions[0], name))
        # As Django's ModelIterable: the main model's columns, then each related object's.
        select, klass_info = compiler.select, compiler.klass_info
        self.model = klass_info["model"]
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.attnames = [column[0].target.attname for column in select[self.start : self.end]]
        self.populators = get_related_populators(klass_info, select, alias)
        self.converters = list(
            compiler.get_converters([column[0] for column in select[: compiler.col_count]]).items()
        )

    def run(self, values, alias):
        params = list(self.params)
        for position, name in self.slots:
            params[position] = values[name]
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        found = []
        for row in rows:
            if self.converters:
                row = list(row)
                for position, (converters, expression) in self.converters:
                    value = row[position]
                    for converter in converters:
                        value = converter(value, expression, connection)
                    row[position] = value
            instance = self.model.from_db(alias, self.attnames, row[self.start : self.end])
            for populator in self.populators:
                populator.populate(row, instance)
            found.append(instance)
        return found
