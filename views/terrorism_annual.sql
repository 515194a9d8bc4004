-- Each compiler's annual national series side by side: attacks, people killed, people injured and suicide attacks per year. Compilers count differently, so compare years within a compiler, never across.
select compiling_organisation, year(period_start) as year,
       max(value) filter (where indicator = 'terrorist_attacks') as terrorist_attacks,
       max(value) filter (where indicator = 'people_killed') as people_killed,
       max(value) filter (where indicator = 'people_injured') as people_injured,
       max(value) filter (where indicator = 'suicide_attacks') as suicide_attacks
from terrorism_statistics
where not in_paper and area_code = 'PK'
  and period_start = make_date(year(period_start), 1, 1)
  and period_end = make_date(year(period_start), 12, 31)
group by compiling_organisation, year(period_start)
order by compiling_organisation, year
