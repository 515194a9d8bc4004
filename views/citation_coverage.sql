-- Per fact table: rows, rows with a citation number, rows from outside the paper (neither the paper nor a work it cites), and rows with an erratum.
-- column table_name: The fact table counted (sources, citations and errata are not fact tables and have no row here).
-- column rows: Number of rows in the table.
-- column rows_with_citation: Number of the table's rows that carry one of the paper's reference numbers (citation_number filled).
-- column rows_from_outside: Number of the table's rows whose source_id is neither the paper itself (gong_zhou_ma_2024) nor a work in the paper's reference list.
-- column rows_with_erratum: Number of the table's rows that at least one erratum concerns, matched on table name and row_id, so a row with several errata counts once.
with cited as (select distinct source_id from citations),
facts as (
    select 'bilateral_events' as table_name, event_id as row_id, source_id, citation_number from bilateral_events
    union all select 'context_events', event_id, source_id, citation_number from context_events
    union all select 'satellite_launches', satellite_id, source_id, citation_number from satellite_launches
    union all select 'agricultural_projects', project_id, source_id, citation_number from agricultural_projects
    union all select 'project_partners', project_id || '|' || organisation, source_id, citation_number from project_partners
    union all select 'terrorism_statistics', statistic_id, source_id, citation_number from terrorism_statistics
    union all select 'context_statistics', statistic_id, source_id, citation_number from context_statistics
    union all select 'security_incidents', incident_id, source_id, citation_number from security_incidents
)
select f.table_name, count(*) as rows,
       count(f.citation_number) as rows_with_citation,
       count(*) filter (where f.source_id <> 'gong_zhou_ma_2024' and f.source_id not in (select source_id from cited)) as rows_from_outside,
       count(*) filter (where exists (select 1 from errata as e where e.table_name = f.table_name and e.row_id = f.row_id)) as rows_with_erratum
from facts as f
group by f.table_name
order by f.table_name
