-- Per partner organisation of the agricultural projects: how many projects, in which roles, from which country.
select organisation, count(distinct project_id) as projects,
       string_agg(distinct role, ', ' order by role) as roles,
       string_agg(distinct country_code, ', ' order by country_code) as countries
from project_partners
group by organisation
order by organisation
