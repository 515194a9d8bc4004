-- Security incidents per area (ISO 3166-2, or PK for the whole country) and year: how many, how many had a Chinese target, the people killed (attackers apart), the Chinese nationals among them, and how many incidents the paper describes.
-- column area_code: Area of the incidents: ISO 3166-2 code of the province or territory, or PK for incidents that spread across the country.
-- column year: Calendar year of the incidents' date_start.
-- column incidents: Number of incidents in this area and year.
-- column incidents_on_chinese_targets: Number of those incidents with a Chinese target of any kind (nationals, a project, premises or claimed interests).
-- column killed: People killed, attackers apart, summed over the incidents with a known toll (those counted in incidents_with_toll) and taking a qualified toll such as 'at least' at its figure; empty when no incident has a known toll.
-- column incidents_with_toll: Number of the incidents whose toll of people killed is known, the ones summed in killed.
-- column chinese_killed: Chinese nationals among the people killed, summed over the incidents for which a source says; empty when no source says for any of them.
-- column attackers_killed: Attackers who died (suicide bombers included), apart from killed, summed over the incidents for which a source says; empty when no source says for any of them.
-- column incidents_in_paper: Number of the incidents the paper states (in_paper true).
select area_code, year, count(*) as incidents,
       count(*) filter (where chinese_target <> 'none') as incidents_on_chinese_targets,
       sum(killed) as killed, count(killed) as incidents_with_toll,
       sum(chinese_killed) as chinese_killed, sum(attackers_killed) as attackers_killed,
       count(*) filter (where in_paper) as incidents_in_paper
from security_incidents
group by area_code, year
order by area_code, year
