"""The rules of the Table Schemas as SQL, run by DuckDB over a table's rows.

Every rule is one query selecting the rows that break it as
``(line, column, value, rule)``: the record's physical line, the column, the
cell as written and the rule's words. Nothing here is keyed to a column's
name; each query is generated from what a schema declares. The text of a
table is the relation :func:`text_name` (every source column as text, plus
:data:`cpcd.checks.read.LINE`), its typed rows the table :func:`typed_name`.
"""

from __future__ import annotations

from cpcd.checks.read import LINE
from cpcd.common.sql import identifier, literal
from cpcd.metadata.model import Field, ForeignKey, Table
from cpcd.metadata.types import TYPES

EDTF_RULE = "edtf: not a valid EDTF date (YYYY, YYYY-MM, YYYY-MM-DD, YYYX or START/END)"
KEY_RULE = "primary-key: the key appears on an earlier row"
UNIQUE_RULE = "unique: the value appears on an earlier row"
REQUIRED_RULE = "required: the cell is empty"
WHITESPACE_RULE = "whitespace: leading or trailing spaces in a key or coded value"
ENUM_RULE = "enum: must be one of "
PATTERN_RULE = "pattern: not in the form this column's values take"
SPACE_AROUND = r"^\s|\s$"
LINE_SQL = identifier(LINE)


def text_name(table: Table) -> str:
    return identifier(f"{table.name} text")


def typed_name(table: Table) -> str:
    return identifier(table.name)


def edtf_name(table: Table, field: str) -> str:
    """The relation of a field's distinct EDTF texts that parse, with their bounds."""
    return identifier(f"{table.name} {field} edtf")


def _select(where: str, column: str, value: str, rule: str, source: str) -> str:
    return (
        f"SELECT {LINE_SQL} AS line, {literal(column)} AS column, {value} AS value, "
        f"{rule} AS rule FROM {source} WHERE {where}"
    )


def coded(table: Table, f: Field) -> bool:
    """Keys and coded values (an enum, a pattern, a key column) may not carry spaces around
    them; free text keeps them."""
    keys = set(table.primary_key) | {name for fk in table.foreign_keys for name in fk.fields}
    return f.type == "string" and (f.enum is not None or f.pattern is not None or f.name in keys)


def typed_cell(table: Table, f: Field, text: str | None = None) -> str:
    """SQL typing a source field's text (the column ``text``, by default the field's own);
    NULL where it does not convert (reported once, as a type or whitespace problem, and left
    out of every other rule)."""
    text = text or identifier(f.name)
    if coded(table, f):
        return (
            f"CASE WHEN regexp_matches({text}, {literal(SPACE_AROUND)}) THEN NULL ELSE {text} END"
        )
    return TYPES[f.type].parse_sql(text)


def value_text(f: Field, column: str) -> str:
    """SQL for a typed cell as the CSV writes it."""
    if f.type == "datetime":
        return f"strftime(timezone('UTC', {column}), '%Y-%m-%dT%H:%M:%SZ')"
    return f"CAST({column} AS VARCHAR)"


def typed_table(table: Table) -> str:
    """CREATE the typed rows from the text, the computed EDTF fields joined from each rule's
    parsed distinct values (:func:`edtf_name`)."""
    columns = [f"t.{LINE_SQL}"]
    columns += [
        f"{typed_cell(table, f, 't.' + identifier(f.name))} AS {identifier(f.name)}"
        for f in table.source_fields
    ]
    joins = []
    for n, rule in enumerate(table.edtf_rules()):
        e = f"e{n}"
        text = typed_cell(table, table_field(table, rule.field), "t." + identifier(rule.field))
        joins.append(f"LEFT JOIN {edtf_name(table, rule.field)} {e} ON {e}.text = {text}")
        computed = {
            rule.precision: f"{e}.precision",
            rule.start: f"{e}.first",
            rule.end: f"{e}.last",
            rule.year: f"CAST(year({e}.first) AS BIGINT)",
            rule.day: f"CASE WHEN {e}.precision = 'day' THEN {e}.first END",
        }
        columns += [f"{sql} AS {identifier(name)}" for name, sql in computed.items() if name]
    body = ",\n  ".join(columns)
    return (
        f"CREATE TABLE {typed_name(table)} AS SELECT\n  {body}\n"
        f"FROM {text_name(table)} t " + " ".join(joins)
    )


def table_field(table: Table, name: str) -> Field:
    return next(f for f in table.fields if f.name == name)


def field_checks(table: Table) -> list[str]:
    """Type, whitespace, required, enum, pattern, minimum and maximum, on the text."""
    source = text_name(table)
    keys = set(table.primary_key)
    queries = []
    for f in table.source_fields:
        text = identifier(f.name)
        present = f"{text} IS NOT NULL"
        ok = f"({typed_cell(table, f)}) IS NOT NULL"
        if coded(table, f):
            bad = f"regexp_matches({text}, {literal(SPACE_AROUND)})"
            queries.append(_select(bad, f.name, text, literal(WHITESPACE_RULE), source))
        elif f.type != "string":
            rule = literal(f"type: not a valid {TYPES[f.type].word}")
            queries.append(_select(f"{present} AND NOT {ok}", f.name, text, rule, source))
        if f.required or f.name in keys:
            queries.append(
                _select(f"{text} IS NULL", f.name, "NULL", literal(REQUIRED_RULE), source)
            )
        typed = typed_cell(table, f)
        if f.enum is not None:
            allowed = ", ".join(literal(v) for v in f.enum)
            rule = literal(ENUM_RULE + ", ".join(f.enum))
            where = f"{ok} AND {typed} NOT IN ({allowed})"
            queries.append(_select(where, f.name, text, rule, source))
        if f.pattern is not None:
            where = f"{ok} AND NOT regexp_full_match({typed}, {literal(f.pattern)})"
            queries.append(_select(where, f.name, text, literal(PATTERN_RULE), source))
        for bound, word, sign in ((f.minimum, "minimum: must be at least", "<"),
                                  (f.maximum, "maximum: must be at most", ">")):  # fmt: skip
            if bound is not None:
                rule = literal(f"{word} {bound}")
                where = f"{ok} AND {typed} {sign} {bound}"
                queries.append(_select(where, f.name, text, rule, source))
    return queries


def _repeats(table: Table, columns: tuple[str, ...], rule: str) -> str:
    """Rows whose values in ``columns`` appeared on an earlier row, naming that row's line."""
    cols = ", ".join(identifier(c) for c in columns)
    fields = [table_field(table, c) for c in columns]
    value = " || '|' || ".join(value_text(f, identifier(f.name)) for f in fields)
    present = " AND ".join(f"{identifier(c)} IS NOT NULL" for c in columns)
    source = typed_name(table)
    repeated = f"SELECT {cols} FROM {source} WHERE {present} GROUP BY {cols} HAVING count(*) > 1"
    rows = (
        f"(SELECT *, min({LINE_SQL}) OVER (PARTITION BY {cols}) AS first_line "
        f"FROM {source} SEMI JOIN ({repeated}) USING ({cols}))"
    )
    message = f"{literal(rule + ' (line ')} || first_line || ')'"
    return _select(f"{LINE_SQL} > first_line", ",".join(columns), value, message, rows)


def key_checks(table: Table) -> list[str]:
    """The primary key, and each unique field, on the typed rows."""
    queries = [_repeats(table, table.primary_key, KEY_RULE)]
    for f in table.source_fields:
        if f.unique and table.primary_key != (f.name,):
            queries.append(_repeats(table, (f.name,), UNIQUE_RULE))
    return queries


def edtf_checks(table: Table) -> list[str]:
    """An EDTF text that the edtf library does not read as a date of known bounds."""
    queries = []
    for rule in table.edtf_rules():
        text = identifier(rule.field)
        parsed = f"SELECT text FROM {edtf_name(table, rule.field)}"
        where = f"{text} IS NOT NULL AND {text} NOT IN ({parsed})"
        queries.append(_select(where, rule.field, text, literal(EDTF_RULE), typed_name(table)))
    return queries


def date_checks(table: Table) -> list[str]:
    """Ranges run forwards (cpcd:rangeEnd); a date is the UTC day of its datetime (cpcd:dayOf)."""
    queries = []
    source = typed_name(table)
    for start, end in table.ranges():
        value = value_text(table_field(table, end), identifier(end))
        where = f"{identifier(start)} > {identifier(end)}"
        queries.append(
            _select(where, end, value, literal(f"range: {end} is before {start}"), source)
        )
    for day, moment in table.days_of():
        value = value_text(table_field(table, day), identifier(day))
        where = f"{identifier(day)} <> CAST(timezone('UTC', {identifier(moment)}) AS DATE)"
        rule = literal(f"day-of: must be the UTC day of {moment}")
        queries.append(_select(where, day, value, rule, source))
    return queries


def _filled(column: str) -> str:
    name = identifier(column)
    return f"({name} IS NOT NULL AND NOT regexp_full_match({name}, '\\s*'))"


def provenance_checks(table: Table) -> list[str]:
    """The provenance rules of a fact table (its schema's cpcd:provenance): a row from outside
    the paper has a source quote and does not cite the paper; a row from the paper has a
    quote of the paper; a row with a supplement source has that source's quote."""
    spec = table.provenance
    if spec is None:
        return []
    outside = f"{identifier(spec.in_paper)} = false"
    paper = f"{identifier(spec.in_paper)} = true"
    rules = [
        (f"{outside} AND NOT {_filled(spec.quote)}", spec.quote,
         "a row from outside the paper needs a quote of its source"),
        (f"{outside} AND {identifier(spec.source)} = {literal(spec.paper_source)}", spec.source,
         f"a row from outside the paper must not cite the paper ({spec.paper_source})"),
        (f"{paper} AND NOT {_filled(spec.paper_quote)}", spec.paper_quote,
         "a row from the paper needs a quote of the paper"),
    ]  # fmt: skip
    if spec.supplement and spec.supplement_quote:
        rules.append(
            (
                f"{_filled(spec.supplement)} AND NOT {_filled(spec.supplement_quote)}",
                spec.supplement_quote,
                f"a row with a supplement source ({spec.supplement}) needs its quote",
            )
        )
    return [
        _select(where, column, value_text(table_field(table, column), identifier(column)),
                literal(f"provenance: {rule}"), typed_name(table))
        for where, column, rule in rules
    ]  # fmt: skip


def foreign_key_check(table: Table, fk: ForeignKey, parent: Table) -> str:
    """Rows whose key (all parts present) no row of the referenced table has."""
    cols = [identifier(c) for c in fk.fields]
    present = " AND ".join(f"c.{c} IS NOT NULL" for c in cols)
    join = " AND ".join(
        f"c.{identifier(a)} = p.{identifier(b)}"
        for a, b in zip(fk.fields, fk.reference_fields, strict=True)
    )
    value = " || '|' || ".join(
        value_text(table_field(table, c), f"c.{identifier(c)}") for c in fk.fields
    )
    rule = literal(f"foreign-key: no {fk.resource} row has this " + ",".join(fk.reference_fields))
    return (
        f"SELECT c.{LINE_SQL} AS line, {literal(','.join(fk.fields))} AS column, "
        f"{value} AS value, {rule} AS rule FROM {typed_name(table)} c "
        f"WHERE {present} AND NOT EXISTS (SELECT 1 FROM {typed_name(parent)} p WHERE {join})"
    )


def key_text(table: Table) -> str:
    """SQL for each row's key as text, the values of a composite key joined by '|'."""
    return " || '|' || ".join(
        value_text(table_field(table, k), identifier(k)) for k in table.primary_key
    )
