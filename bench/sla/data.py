"""The data of bench/sla: five working calendars in five time zones with
public holidays, sections spread over them, two policies each, and open cases
inserted in bulk."""

from datetime import datetime, time, timedelta

import pytz

# name, time zone, working days (0 = Monday), periods (local hours)
CALENDARS = [
    ("Brussels office", "Europe/Brussels", range(5), [(9, 12.5), (13.5, 17.5)]),
    ("New York desk", "America/New_York", range(5), [(8, 12), (13, 18)]),
    ("Tokyo support", "Asia/Tokyo", range(5), [(9, 18)]),
    ("Sydney six days", "Australia/Sydney", range(6), [(7, 15)]),
    ("Sao Paulo shifts", "America/Sao_Paulo", range(5), [(6, 14), (14, 22)]),
]
# Public holidays, in days from the bench's start, local to each calendar.
HOLIDAYS = [9, 23, 41]
# The policies of every section: (target kind, working hours).
POLICIES = [("first_response", 8.0), ("resolution", 40.0)]


def local_day_utc(tz_name, day):
    """The UTC bounds (naive) of the local calendar day ``day``."""
    tz = pytz.timezone(tz_name)
    start = tz.localize(datetime.combine(day, time.min))
    end = tz.localize(datetime.combine(day + timedelta(days=1), time.min))
    return (
        start.astimezone(pytz.utc).replace(tzinfo=None),
        end.astimezone(pytz.utc).replace(tzinfo=None),
    )


def attendance_commands(days, periods):
    from odoo import Command

    return [
        Command.create(
            {
                "name": f"Day {day} {hour_from}-{hour_to}",
                "dayofweek": str(day),
                "hour_from": hour_from,
                "hour_to": hour_to,
                "day_period": "morning" if hour_from < 12 else "afternoon",
            }
        )
        for day in days
        for hour_from, hour_to in periods
    ]


def add_holiday(env, calendar, day, name):
    date_from, date_to = local_day_utc(calendar.tz, day)
    return env["resource.calendar.leaves"].create(
        {
            "name": name,
            "calendar_id": calendar.id,
            "date_from": date_from,
            "date_to": date_to,
            "time_type": "leave",
        }
    )


def create_calendars(env, today):
    calendars = env["resource.calendar"]
    for name, tz_name, days, periods in CALENDARS:
        calendar = env["resource.calendar"].create(
            {
                "name": name,
                "tz": tz_name,
                "attendance_ids": attendance_commands(days, periods),
            }
        )
        for offset in HOLIDAYS:
            add_holiday(env, calendar, today + timedelta(days=offset), "Holiday")
        calendars |= calendar
    return calendars


def create_sections(env, calendars, count):
    return env["crm.case.section"].create(
        [
            {
                "name": f"Bench {i}",
                "code": f"b{i}",
                "calendar_id": calendars[i % len(calendars)].id,
            }
            for i in range(count)
        ]
    )


def create_policies(env, sections):
    return env["crm.case.sla"].create(
        [
            {
                "name": f"{section.name} {kind} {hours:g} h",
                "section_id": section.id,
                "target_type": kind,
                "target_hours": hours,
            }
            for section in sections
            for kind, hours in POLICIES
        ]
    )


def insert_cases(env, sections, count, now):
    """``count`` open cases, opened over the last two hours."""
    env.flush_all()
    env.cr.execute(
        """
        INSERT INTO crm_case (name, section_id, company_id, priority, state,
                              date, create_date, write_date, create_uid,
                              write_uid, user_id, active, duration)
        SELECT 'Case ' || n, (%(sections)s::int[])[1 + n %% %(nsections)s],
               %(company)s, (1 + n %% 5)::varchar, 'open',
               %(now)s - (n %% 7200) * interval '1 second', %(now)s, %(now)s,
               1, 1, 2, true, 1.0
          FROM generate_series(1, %(cases)s) n
        """,
        {
            "sections": sections.ids,
            "nsections": len(sections),
            "company": env.company.id,
            "cases": count,
            "now": now,
        },
    )
    env.cr.execute("ANALYZE crm_case")
