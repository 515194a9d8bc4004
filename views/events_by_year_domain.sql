-- Bilateral events counted per year and domain.
select year, domain, count(*) as events
from bilateral_events
group by year, domain
order by year, domain
