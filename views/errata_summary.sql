-- Errata counted per table and status.
select table_name, status, count(*) as errata
from errata
group by table_name, status
order by table_name, status
