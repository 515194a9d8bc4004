-- Satellites China launched for Pakistan per decade, and how many of them the paper names.
-- column decade: First year of the decade (1990 for 1990 to 1999) of the launch date in UTC.
-- column satellites: Number of satellites launched in the decade.
-- column satellites_in_paper: Number of those satellites whose launch the paper states (in_paper true).
-- column satellites_not_in_paper: Number of those satellites known only from outside the paper (in_paper false).
select (year(launch_date) // 10) * 10 as decade, count(*) as satellites,
       count(*) filter (where in_paper) as satellites_in_paper,
       count(*) filter (where not in_paper) as satellites_not_in_paper
from satellite_launches
group by decade
order by decade
