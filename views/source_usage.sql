-- Per source and table: the rows that cite it (as their source, supplement source or errata evidence), the paper's citation numbers for the source, and the first and last year of the rows it supports.
-- column source_id: The work used (sources.source_id), named by a row as its source, its supplement source or, in errata, the evidence for a correction.
-- column table_name: Table whose rows name the work: a fact table, or errata.
-- column rows: Number of times the table's rows name the work, as source, as supplement source or as errata evidence.
-- column citation_numbers: The paper's reference numbers [n] that cite the work, in ascending order joined with ', '; empty when the paper's reference list does not cite it, as for the paper itself and outside sources.
-- column first_year: Earliest calendar year among the rows naming the work (the year of each table's cpcd:dateField); empty for tables without a date (project_partners, errata) and when none of the rows has a date.
-- column last_year: Latest calendar year among the rows naming the work (the year of each table's cpcd:dateField); empty for tables without a date (project_partners, errata) and when none of the rows has a date.
with uses as (
    select table_name, source_id, year from fact_rows
    union all select table_name, supplement_source_id, year from fact_rows
    union all select 'errata', evidence_source_id, null from errata
),
numbers as (
    select source_id, string_agg(citation_number::varchar, ', ' order by citation_number) as citation_numbers
    from citations
    group by source_id
)
select u.source_id, u.table_name, count(*) as rows, n.citation_numbers,
       min(u.year) as first_year, max(u.year) as last_year
from uses as u
left join numbers as n using (source_id)
where u.source_id is not null
group by u.source_id, u.table_name, n.citation_numbers
order by u.source_id, u.table_name
