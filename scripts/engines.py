"""Three engines for the same checks of one large table, compared by scripts/bench.py.

Each reads ``data/<table>.csv`` typed and applies the field and key rules its
Table Schema declares (required, enum, pattern, minimum, maximum, unique,
primary key), written once from :class:`cpcd.metadata.model.Table`:

- ``ibis``: pandera's Ibis backend, the table read by DuckDB through Ibis, the
  checks compiled by Ibis to SQL that DuckDB runs;
- ``polars``: pandera's polars backend, the table read by polars;
- ``sql``: cpcd's own path, the reader of :mod:`cpcd.checks.read` and the SQL that
  :mod:`cpcd.checks.sql_checks` generates, run by DuckDB.

    python scripts/engines.py ibis|polars|sql PACKAGE_DIR [TABLE]

Exits 1 when a rule is broken, so that a seeded error shows each engine works.
The pandera engines need the ``bench`` extra (pandera, ibis-framework, polars).
"""

from __future__ import annotations

import sys
from pathlib import Path

from cpcd.metadata.load import load_package
from cpcd.metadata.model import Table

TABLE = "bilateral_events"


def _checks(module, f) -> list:
    checks = []
    if f.enum is not None:
        checks.append(module.Check.isin(list(f.enum)))
    if f.pattern is not None:  # Table Schema patterns match the whole value
        checks.append(module.Check.str_matches(f"^(?:{f.pattern})$"))
    if f.minimum is not None:
        checks.append(module.Check.ge(f.minimum))
    if f.maximum is not None:
        checks.append(module.Check.le(f.maximum))
    return checks


def pandera_schema(module, table: Table):
    """The table's field and key rules as a pandera schema of ``module`` (pandera.ibis or
    pandera.polars). No dtype is checked: each reader types the columns itself."""
    columns = {
        f.name: module.Column(
            None,
            checks=_checks(module, f),
            nullable=not (f.required or f.name in table.primary_key),
            unique=f.unique or table.primary_key == (f.name,),
        )
        for f in table.source_fields
    }
    composite = list(table.primary_key) if len(table.primary_key) > 1 else None
    return module.DataFrameSchema(columns, unique=composite)


def _failures(schema, data) -> int:
    try:
        schema.validate(data, lazy=True)
    except Exception as err:  # pandera's SchemaErrors: the broken rules, all at once
        return max(1, len(getattr(err, "schema_errors", [])))
    return 0


def run_ibis(table: Table) -> int:
    import ibis
    import pandera.ibis as module

    from cpcd.metadata.types import TYPES

    con = ibis.duckdb.connect()
    columns = {f.name: TYPES[f.type].duckdb for f in table.source_fields}
    data = con.read_csv(
        table.path, columns=columns, header=True, nullstr="", auto_detect=False, quote='"'
    )
    return _failures(pandera_schema(module, table), data)


def run_polars(table: Table) -> int:
    import pandera.polars as module
    import polars as pl

    kinds = {
        "string": pl.String,
        "integer": pl.Int64,
        "number": pl.Float64,
        "boolean": pl.Boolean,
        "date": pl.Date,
        "datetime": pl.Datetime("us", "UTC"),
    }
    schema = {f.name: kinds[f.type] for f in table.source_fields}
    data = pl.read_csv(table.path, schema=schema, null_values=[""])
    return _failures(pandera_schema(module, table), data)


def run_sql(table: Table) -> int:
    import duckdb

    from cpcd.checks import sql_checks as checks
    from cpcd.checks.dates import bounds_table
    from cpcd.checks.read import read_table

    item = read_table(table)
    con = duckdb.connect()
    con.register(f"{table.name} text", item.text)
    for rule in table.edtf_rules():  # the same rules as the others: no EDTF parsing
        con.register(f"{table.name} {rule.field} edtf", bounds_table([]))
    con.execute(checks.typed_table(table))
    queries = checks.field_checks(table) + checks.key_checks(table)
    [(count,)] = con.sql(f"SELECT count(*) FROM ({' UNION ALL '.join(queries)})").fetchall()
    return count + len(item.problems)


ENGINES = {"ibis": run_ibis, "polars": run_polars, "sql": run_sql}


def main(argv: list[str]) -> int:
    engine, package, *rest = argv
    table = load_package(Path(package) / "datapackage.json").tables[rest[0] if rest else TABLE]
    return 1 if ENGINES[engine](table) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
