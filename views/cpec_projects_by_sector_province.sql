-- CPEC projects per sector and area (ISO 3166-2 code, or codes joined by '+' for a project across several areas): how many, their total capacity and their total cost in US dollars, each total with the number of projects it sums, so that a total over some projects is not read as one over all.
-- column sector: CPEC sector of the projects (energy, transport, gwadar, industrial, social or other).
-- column area_code: Area of the projects as recorded: an ISO 3166-2 code, or codes joined by '+' for a project across several areas (such a project is counted once, under its joined code); empty for projects whose area no quote states.
-- column projects: Number of projects in this sector and area.
-- column capacity_mw: Capacity in megawatts (installed capacity of a plant; for a transmission line, the power it is built to carry), summed over the projects with a known capacity (those counted in projects_with_capacity) and rounded to three decimals; empty when none has one.
-- column projects_with_capacity: Number of the projects whose capacity is known, the ones summed in capacity_mw.
-- column cost_usd_million: Cost in millions of US dollars, summed over the projects whose cost a page gives in US dollars (those counted in projects_with_cost_usd), each figure as stated in its own year and with its own qualifier (exact, approximately, more than), rounded to three decimals; empty when none has one. Costs stated in rupees or yuan are not converted and not summed.
-- column projects_with_cost_usd: Number of the projects whose cost is given in US dollars, the ones summed in cost_usd_million.
-- column projects_with_cost_other_currency: Number of the projects whose cost is given only in another currency (rupees or yuan), left out of cost_usd_million.
select sector, area_code, count(*) as projects,
       round(sum(capacity_mw), 3) as capacity_mw, count(capacity_mw) as projects_with_capacity,
       round(sum(cost_million) filter (where cost_currency = 'USD'), 3) as cost_usd_million,
       count(cost_million) filter (where cost_currency = 'USD') as projects_with_cost_usd,
       count(cost_million) filter (where cost_currency <> 'USD') as projects_with_cost_other_currency
from cpec_projects
group by sector, area_code
order by sector, area_code
