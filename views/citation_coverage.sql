-- Per fact table: rows, rows with a citation number, rows from outside the paper (neither the paper nor a work it cites), and rows with an erratum.
-- column table_name: The fact table counted (sources, citations and errata are not fact tables and have no row here).
-- column rows: Number of rows in the table.
-- column rows_with_citation: Number of the table's rows that carry one of the paper's reference numbers (citation_number filled).
-- column rows_from_outside: Number of the table's rows whose source_id is neither the paper itself (source_is_paper in fact_rows, from the paperSource its table declares) nor a work in the paper's reference list.
-- column rows_with_erratum: Number of the table's rows that at least one erratum concerns, matched on table name and row_id, so a row with several errata counts once.
with cited as (select distinct source_id from citations)
select f.table_name, count(*) as rows,
       count(f.citation_number) as rows_with_citation,
       count(*) filter (where not f.source_is_paper and f.source_id not in (select source_id from cited)) as rows_from_outside,
       count(*) filter (where exists (select 1 from errata as e where e.table_name = f.table_name and e.row_id = f.row_id)) as rows_with_erratum
from fact_rows as f
group by f.table_name
order by f.table_name
