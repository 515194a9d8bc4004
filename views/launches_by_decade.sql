-- Satellites China launched for Pakistan per decade, and how many of them the paper names.
select (year(launch_date) // 10) * 10 as decade, count(*) as satellites,
       count(*) filter (where in_paper) as satellites_in_paper,
       count(*) filter (where not in_paper) as satellites_not_in_paper
from satellite_launches
group by decade
order by decade
