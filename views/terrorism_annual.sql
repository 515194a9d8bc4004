-- Each compiler's annual national series side by side, one row per compiler and year: attacks, people killed, people injured and suicide attacks, each with the qualifier its source gives and the other figures that other sources report for it. Compilers count differently, so compare years within a compiler, never across.
-- column compiling_organisation: Organisation that compiled the series; compare years within one compiler only.
-- column year: Calendar year observed, the figures covering 1 January to 31 December of it.
-- column terrorist_attacks: Terrorist attacks in Pakistan that year by this compiler's count, from the public record outside the paper; empty when none is recorded.
-- column terrorist_attacks_qualifier: How the source qualifies terrorist_attacks (exact, at_least, more_than, at_most or approximately), to be read with it: a value with more_than is a lower bound, not a count; empty when terrorist_attacks is.
-- column terrorist_attacks_other_figures: Other figures that other sources give for the same count (errata of type source_conflict on its row), in erratum order joined by '; '; empty when no source disagrees.
-- column people_killed: Everyone killed in terrorist attacks in Pakistan that year by this compiler's count (victim_group all), attackers included or not as the compiler counts (see killed_includes_attackers in terrorism_statistics), from the public record outside the paper; empty when none is recorded.
-- column people_killed_qualifier: How the source qualifies people_killed (exact, at_least, more_than, at_most or approximately); empty when people_killed is.
-- column people_killed_other_figures: Other figures that other sources give for the same toll (errata of type source_conflict on its row), in erratum order joined by '; '; empty when no source disagrees.
-- column people_injured: Everyone injured in terrorist attacks in Pakistan that year by this compiler's count (victim_group all), from the public record outside the paper; empty when none is recorded.
-- column people_injured_qualifier: How the source qualifies people_injured (exact, at_least, more_than, at_most or approximately); empty when people_injured is.
-- column people_injured_other_figures: Other figures that other sources give for the same count (errata of type source_conflict on its row), in erratum order joined by '; '; empty when no source disagrees.
-- column suicide_attacks: Suicide attacks in Pakistan that year by this compiler's count, from the public record outside the paper; empty when none is recorded.
-- column suicide_attacks_qualifier: How the source qualifies suicide_attacks (exact, at_least, more_than, at_most or approximately); empty when suicide_attacks is.
-- column suicide_attacks_other_figures: Other figures that other sources give for the same count (errata of type source_conflict on its row), in erratum order joined by '; '; empty when no source disagrees.
with annual as (
    -- One row per compiler, indicator and calendar year (a test holds the data to it);
    -- a second row would show as a second row of the view, never be hidden by an aggregate.
    select s.compiling_organisation, year(s.period_start) as year, s.indicator, s.value,
           s.value_qualifier,
           (select string_agg(e.corrected_value, '; ' order by e.erratum_id)
            from errata as e
            where e.table_name = 'terrorism_statistics' and e.row_id = s.statistic_id
              and e.field = 'value' and e.erratum_type = 'source_conflict') as other_figures
    from terrorism_statistics as s
    where not s.in_paper and s.area_code = 'PK' and s.compiling_organisation is not null
      and s.period_start = make_date(year(s.period_start), 1, 1)
      and s.period_end = make_date(year(s.period_start), 12, 31)
      and (s.victim_group is null or s.victim_group = 'all')
),
compiler_years as (
    select distinct compiling_organisation, year from annual
)
select y.compiling_organisation, y.year,
       a.value as terrorist_attacks, a.value_qualifier as terrorist_attacks_qualifier,
       a.other_figures as terrorist_attacks_other_figures,
       k.value as people_killed, k.value_qualifier as people_killed_qualifier,
       k.other_figures as people_killed_other_figures,
       i.value as people_injured, i.value_qualifier as people_injured_qualifier,
       i.other_figures as people_injured_other_figures,
       s.value as suicide_attacks, s.value_qualifier as suicide_attacks_qualifier,
       s.other_figures as suicide_attacks_other_figures
from compiler_years as y
left join annual as a on a.indicator = 'terrorist_attacks'
    and a.compiling_organisation = y.compiling_organisation and a.year = y.year
left join annual as k on k.indicator = 'people_killed'
    and k.compiling_organisation = y.compiling_organisation and k.year = y.year
left join annual as i on i.indicator = 'people_injured'
    and i.compiling_organisation = y.compiling_organisation and i.year = y.year
left join annual as s on s.indicator = 'suicide_attacks'
    and s.compiling_organisation = y.compiling_organisation and s.year = y.year
order by y.compiling_organisation, y.year
