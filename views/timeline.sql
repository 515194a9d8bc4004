-- Every dated row of every fact table in one chronological list (a project that a bilateral event records, through its project_id, is listed once, as the event): what kind of row it is, its id, date as known (EDTF), precision, first and last day, year, domain, title, whether the paper states it, and source.
-- column kind: What kind of row it is: event (bilateral_events), context_event (context_events), launch (satellite_launches), project (agricultural_projects), incident (security_incidents) or statistic (terrorism_statistics and context_statistics).
-- column row_id: Primary key of the row in its table: event_id, satellite_id, project_id, incident_id or statistic_id.
-- column date: Date as known, in EDTF text at its real precision: the launch day (YYYY-MM-DD) for a launch and the period observed (START/END) for a statistic.
-- column date_precision: Precision of date, the unit of its least significant part (day for every launch and statistic).
-- column date_start: First day the date can denote: the launch day for a launch, the first day of the period for a statistic.
-- column date_end: Last day the date can denote: the launch day for a launch, the last day of the period for a statistic.
-- column year: Calendar year of date_start.
-- column domain: Field the row belongs to: the event's own domain for bilateral and context events, space for launches, agriculture for projects, security for incidents and terrorism statistics, and context for context statistics.
-- column title: Short title: the event's title, the project's name, '<satellite> launched on <vehicle>' for a launch (or '<satellite> launched (vehicle not reported)'), '<target>, <location>' for an incident, and '<indicator> = <value> <unit>' for a statistic, with ' (<area_code>)' added for terrorism statistics.
-- column in_paper: True when the paper states this row's fact, false for rows from the public record outside the paper.
-- column source_id: The work this row comes from: the paper's cited reference, the paper itself for statements it makes without a reference, or an outside source.
-- column citation_number: The paper's reference number [n] attached to the statement this row comes from; empty when the paper cites none or the row is from outside the paper.
select * from (
    select 'event' as kind, event_id as row_id, date, date_precision, date_start, date_end, year,
           domain, title, in_paper, source_id, citation_number
    from bilateral_events
    union all
    select 'context_event', event_id, date, date_precision, date_start, date_end, year,
           domain, title, in_paper, source_id, citation_number
    from context_events
    union all
    select 'launch', satellite_id, strftime(launch_date, '%Y-%m-%d'), 'day', launch_date, launch_date,
           year(launch_date), 'space',
           satellite_name || coalesce(' launched on ' || launch_vehicle, ' launched (vehicle not reported)'),
           in_paper, source_id,
           citation_number
    from satellite_launches
    union all
    select 'project', project_id, date, date_precision, date_start, date_end, year,
           'agriculture', name, in_paper, source_id, citation_number
    from agricultural_projects
    where date is not null
      and project_id not in (select project_id from bilateral_events where project_id is not null)
    union all
    select 'incident', incident_id, date, date_precision, date_start, date_end, year,
           'security', target || ', ' || location, in_paper, source_id, citation_number
    from security_incidents
    union all
    select 'statistic', statistic_id,
           strftime(period_start, '%Y-%m-%d') || '/' || strftime(period_end, '%Y-%m-%d'), 'day',
           period_start, period_end, year(period_start), 'security',
           indicator || ' = ' || value || ' ' || unit || ' (' || area_code || ')', in_paper, source_id,
           citation_number
    from terrorism_statistics
    union all
    select 'statistic', statistic_id,
           strftime(period_start, '%Y-%m-%d') || '/' || strftime(period_end, '%Y-%m-%d'), 'day',
           period_start, period_end, year(period_start), 'context',
           indicator || ' = ' || value || ' ' || unit, in_paper, source_id, citation_number
    from context_statistics
    where period_start is not null and period_end is not null
)
order by date_start, date_end, kind, row_id
