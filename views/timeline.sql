-- Every dated row of every fact table in one chronological list (a project that a bilateral event records, through its project_id, is listed once, as the event): what kind of row it is, its id, date as known (EDTF), precision, first and last day, year, domain, title, whether the paper states it, and source.
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
           year(launch_date), 'space', satellite_name || ' launched on ' || launch_vehicle, in_paper, source_id,
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
