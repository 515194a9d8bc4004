-- One row per launch: satellites that shared a launch are grouped, with the date, vehicle and site, and whether the paper covers the launch.
select launch_date, min(launch_datetime_utc) as launch_datetime_utc, launch_vehicle, launch_site,
       string_agg(satellite_name, ', ' order by satellite_name) as satellites,
       count(*) as satellite_count, bool_or(in_paper) as in_paper
from satellite_launches
group by launch_date, launch_vehicle, launch_site
order by launch_date, launch_vehicle
