-- Security incidents per area (ISO 3166-2, or PK for the whole country) and year: how many, how many had a Chinese target, the people killed (attackers apart), the Chinese nationals among them, and how many incidents the paper describes.
select area_code, year, count(*) as incidents,
       count(*) filter (where chinese_target <> 'none') as incidents_on_chinese_targets,
       sum(killed) as killed, count(killed) as incidents_with_toll,
       sum(chinese_killed) as chinese_killed, sum(attackers_killed) as attackers_killed,
       count(*) filter (where in_paper) as incidents_in_paper
from security_incidents
group by area_code, year
order by area_code, year
