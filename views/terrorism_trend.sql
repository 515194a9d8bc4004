-- Each terrorism observation with its comparison resolved: the value, the value in the comparison period (reported or derived) and the absolute and percentage change, with period labels.
with labelled as (
    select *, strftime(period_start, '%Y-%m-%d') || '/' || strftime(period_end, '%Y-%m-%d') as period
    from terrorism_statistics
),
changes as (
    select area_code, period_start, period_end, comparison_period_start, comparison_period_end,
           value as percent_change
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
       coalesce(c.percent_change, 100 * (o.value - p.value) / p.value) as percent_change,
       c.percent_change is not null as percent_change_is_reported
from labelled as o
left join changes as c
    on o.indicator = 'terrorist_attacks' and c.area_code = o.area_code
    and c.period_start = o.period_start and c.period_end = o.period_end
left join terrorism_statistics as p
    on p.indicator = o.indicator and p.area_code = o.area_code
    and p.victim_group is not distinct from o.victim_group
    and p.compiling_organisation is not distinct from o.compiling_organisation
    and p.period_start = c.comparison_period_start and p.period_end = c.comparison_period_end
order by o.period_start, o.indicator, o.area_code, o.statistic_id
