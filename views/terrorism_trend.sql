-- Each terrorism observation with its comparison resolved: the value, the value in the comparison period (reported or derived) and the absolute and percentage change, with period labels.
-- column statistic_id: Stable identifier of the observation (terrorism_statistics.statistic_id).
-- column indicator: What is measured.
-- column victim_group: For people_killed, whose deaths are counted (all, military, chinese_nationals or pakistani_nationals); empty for other indicators.
-- column area_code: Area observed: ISO 3166-1 alpha-2 (PK) or ISO 3166-2 (PK-KP) code, or a group of such codes joined by '+'.
-- column period: Period observed, as its first and last day joined by '/' (YYYY-MM-DD/YYYY-MM-DD).
-- column value: The observed value, in unit.
-- column unit: Unit of value.
-- column compiling_organisation: Who compiled the figure; empty when the source names no compiler.
-- column in_paper: True when the paper states this observation, false for observations from the public record outside the paper.
-- column value_qualifier: How the source qualifies the value: exact, at_least, more_than, at_most or approximately.
-- column is_derived: True when the value is not stated but computed from stated values.
-- column comparison_period: For a terrorist_attacks row, the period it is compared with, as its first and last day joined by '/', taken from the terrorist_attacks_change row of the same compiler, area and period; empty for all other rows, the change rows themselves included.
-- column comparison_value: Value of the same indicator for the same area, victim group and compiler in the comparison period, in unit; empty when there is no comparison period or no such observation.
-- column comparison_is_derived: True when comparison_value is computed rather than stated; empty when there is no comparison value.
-- column absolute_change: The value minus comparison_value, in unit; empty when there is no comparison value.
-- column percent_change: Change from the comparison period in percent, as reported by the terrorist_attacks_change row that gives comparison_period (never computed here); empty for every row without a comparison period.
-- column percent_change_is_reported: True when a terrorist_attacks_change row reports percent_change, false when percent_change is empty.
with labelled as (
    select *, strftime(period_start, '%Y-%m-%d') || '/' || strftime(period_end, '%Y-%m-%d') as period
    from terrorism_statistics
),
changes as (
    select compiling_organisation, area_code, period_start, period_end,
           comparison_period_start, comparison_period_end, value as percent_change
    from terrorism_statistics
    where indicator = 'terrorist_attacks_change'
)
select o.statistic_id, o.indicator, o.victim_group, o.area_code, o.period, o.value, o.unit,
       o.compiling_organisation, o.in_paper,
       o.value_qualifier, o.is_derived,
       strftime(c.comparison_period_start, '%Y-%m-%d') || '/'
           || strftime(c.comparison_period_end, '%Y-%m-%d') as comparison_period,
       p.value as comparison_value, p.is_derived as comparison_is_derived,
       o.value - p.value as absolute_change,
       c.percent_change,
       c.percent_change is not null as percent_change_is_reported
from labelled as o
left join changes as c
    on o.indicator = 'terrorist_attacks' and c.area_code = o.area_code
    and c.compiling_organisation is not distinct from o.compiling_organisation
    and c.period_start = o.period_start and c.period_end = o.period_end
left join terrorism_statistics as p
    on p.indicator = o.indicator and p.area_code = o.area_code
    and p.victim_group is not distinct from o.victim_group
    and p.compiling_organisation is not distinct from o.compiling_organisation
    and p.period_start = c.comparison_period_start and p.period_end = c.comparison_period_end
order by o.period_start, o.indicator, o.area_code, o.statistic_id
