-- Each compiler's annual national series side by side: attacks, people killed, people injured and suicide attacks per year. Compilers count differently, so compare years within a compiler, never across.
-- column compiling_organisation: Organisation that compiled the series; compare years within one compiler only.
-- column year: Calendar year observed, the figures covering 1 January to 31 December of it.
-- column terrorist_attacks: Terrorist attacks in Pakistan that year by this compiler's count, from the public record outside the paper (the largest value if several are recorded); empty when none is recorded.
-- column people_killed: People killed in terrorist attacks in Pakistan that year by this compiler's count, attackers included or not as the compiler counts (see killed_includes_attackers in terrorism_statistics), from the public record outside the paper (the largest value if several are recorded, whatever the victim group); empty when none is recorded.
-- column people_injured: People injured in terrorist attacks in Pakistan that year by this compiler's count, from the public record outside the paper (the largest value if several are recorded); empty when none is recorded.
-- column suicide_attacks: Suicide attacks in Pakistan that year by this compiler's count, from the public record outside the paper (the largest value if several are recorded); empty when none is recorded.
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
