-- Per domain of bilateral cooperation: events, first and last year, and the number of distinct works the events rest on (source_id).
-- column domain: Field of cooperation the events belong to.
-- column events: Number of bilateral events in the domain.
-- column first_year: Earliest calendar year (of date_start) among the domain's events.
-- column last_year: Latest calendar year (of date_start) among the domain's events.
-- column sources: Number of distinct works the domain's events come from (their source_id: a work the paper cites, the paper itself or an outside source), supplement sources not counted.
select domain, count(*) as events, min(year) as first_year, max(year) as last_year,
       count(distinct source_id) as sources
from bilateral_events
group by domain
order by domain
