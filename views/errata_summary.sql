-- Errata counted per table and status.
-- column table_name: Table of the rows the errata concern.
-- column status: How firm the corrections are: confirmed, disputed or inconsistent.
-- column errata: Number of errata for this table with this status.
select table_name, status, count(*) as errata
from errata
group by table_name, status
order by table_name, status
