-- One row per launch: satellites that shared a launch are grouped, with the date, vehicle and site, and whether the paper covers the launch.
-- column launch_date: Launch date in UTC.
-- column launch_datetime_utc: Launch time in UTC, to the second, the earliest recorded for the launch's satellites; empty when no satellite of the launch has a recorded time.
-- column launch_vehicle: Launch vehicle; empty when no source names it, and satellites launched on the same day from the same site with no named vehicle are then grouped as one launch.
-- column launch_site: Launch site.
-- column satellites: Usual names of the dataset's satellites carried by this launch, in alphabetical order joined with ', '.
-- column satellite_count: Number of the dataset's satellites carried by this launch, other payloads on the same rocket not counted.
-- column in_paper: True when the paper states at least one of the launch's satellites, false when all of them come from outside the paper.
select launch_date, min(launch_datetime_utc) as launch_datetime_utc, launch_vehicle, launch_site,
       string_agg(satellite_name, ', ' order by satellite_name) as satellites,
       count(*) as satellite_count, bool_or(in_paper) as in_paper
from satellite_launches
group by launch_date, launch_vehicle, launch_site
order by launch_date, launch_vehicle
