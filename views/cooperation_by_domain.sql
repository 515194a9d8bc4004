-- Per domain of bilateral cooperation: events, first and last year, and distinct sources cited.
select domain, count(*) as events, min(year) as first_year, max(year) as last_year,
       count(distinct source_id) as sources
from bilateral_events
group by domain
order by domain
