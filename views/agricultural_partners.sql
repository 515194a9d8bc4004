-- Per partner organisation of the agricultural projects: how many projects, in which roles, from which country.
-- column organisation: Name of the partner organisation, in English.
-- column projects: Number of distinct agricultural projects the organisation takes part in, in any role.
-- column roles: The organisation's distinct roles across its projects (funding, implementing or partner), in alphabetical order joined with ', '.
-- column countries: The distinct ISO 3166-1 alpha-2 codes recorded for the organisation's country across its projects, in alphabetical order joined with ', '; empty when no code is recorded, as for international organisations.
select organisation, count(distinct project_id) as projects,
       string_agg(distinct role, ', ' order by role) as roles,
       string_agg(distinct country_code, ', ' order by country_code) as countries
from project_partners
group by organisation
order by organisation
