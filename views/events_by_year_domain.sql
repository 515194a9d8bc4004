-- Bilateral events counted per year and domain.
-- column year: Calendar year of the events' date_start.
-- column domain: Field of cooperation the events belong to.
-- column events: Number of bilateral events in this year and domain, never zero, as a year and domain without events has no row.
select year, domain, count(*) as events
from bilateral_events
group by year, domain
order by year, domain
