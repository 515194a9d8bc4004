-- Security incidents and people killed per area (ISO 3166-2, or PK for the whole country) and year.
select area_code, year, count(*) as incidents, sum(killed) as killed,
       count(killed) as incidents_with_toll
from security_incidents
group by area_code, year
order by area_code, year
