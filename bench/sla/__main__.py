"""Benchmark of the service level deadlines against Odoo's resource planning.

Run from the repository root (not part of ``make test``)::

    python3 -m bench.sla [--cases 100000] [--sections 20]
        [--db crm_case_bench_sla] [--keep]

It creates a fresh database with crm_case (no demo data), five working
calendars in five time zones with public holidays, the sections spread over
them with two policies each (first response in 8 working hours, resolution in
40), and inserts the open cases in bulk; their statuses are computed by the
rule cron's batches. Then it times:

1. a public holiday added to one calendar, and the recomputation of the
   deadlines and at-risk instants it moves, by the rule cron's batches (a
   commit per batch), as the cron does it;
2. the rule cron with nothing due (no deadline nor at-risk instant has come);
3. Odoo's ``resource`` computing the same deadlines and at-risk instants case
   by case (``resource.calendar.plan_hours`` with the leaves), checked equal
   to ours for every status before the ratio is printed.
"""

import resource
import sys
import time
from datetime import timedelta

from bench import database_bench_parser
from tools import odoo_setup

from .data import (
    add_holiday,
    create_calendars,
    create_policies,
    create_sections,
    insert_cases,
)

# Two datetimes are the same instant to the second: both sides add floating
# working hours, and the database keeps microseconds only on some paths.
SAME_INSTANT = timedelta(seconds=1)


def parse_args():
    parser = database_bench_parser(__doc__, "crm_case_bench_sla", 100000)
    return parser.parse_args()


def peak_memory_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label, func):
    from odoo import sql_db

    queries = sql_db.sql_counter
    start = time.perf_counter()
    result = func()
    seconds = time.perf_counter() - start
    print(
        f"{label:<52} {seconds:8.2f} s  {sql_db.sql_counter - queries:8d} queries"
        f"  peak {peak_memory_mb():6.0f} MB"
    )
    return seconds, result


def process_marked(env):
    """The rule cron's recomputation of the marked cases, a commit per batch."""
    env["crm.case"]._sla_process_marked(env.cr.commit)
    env.cr.commit()


def count_marked(env):
    env.cr.execute("SELECT count(*) FROM crm_case WHERE sla_dirty")
    return env.cr.fetchone()[0]


def read_instants(env, calendar):
    """{status id: (created, target hours, at-risk %, deadline, at risk)} of
    the statuses of the cases counted in ``calendar``."""
    env.flush_all()
    env.cr.execute(
        """
        SELECT s.id, c.create_date, p.target_hours, p.at_risk_percent,
               s.deadline, s.at_risk_date
          FROM crm_case_sla_status s
          JOIN crm_case c ON c.id = s.case_id
          JOIN crm_case_section sec ON sec.id = c.section_id
          JOIN crm_case_sla p ON p.id = s.sla_id
         WHERE sec.effective_calendar_id = %s
         ORDER BY s.id
        """,
        (calendar.id,),
    )
    return {row[0]: row[1:] for row in env.cr.fetchall()}


def plan_case_by_case(calendar, rows):
    """Odoo's resource: each deadline and at-risk instant on its own."""
    planned = {}
    for status_id, (created, hours, percent, _deadline, _at_risk) in rows.items():
        planned[status_id] = (
            calendar.plan_hours(hours, created, compute_leaves=True),
            calendar.plan_hours(hours * percent / 100, created, compute_leaves=True),
        )
    return planned


def check_same(rows, planned):
    """Fail unless resource gave every status our deadline and at-risk instant."""
    differences = [
        (status_id, ours, theirs)
        for status_id, (*_x, deadline, at_risk) in rows.items()
        for ours, theirs in zip((deadline, at_risk), planned[status_id], strict=True)
        if not (ours and theirs and abs(ours - theirs) < SAME_INSTANT)
    ]
    if differences:
        for status_id, ours, theirs in differences[:10]:
            print(f"status {status_id}: crm_case {ours}, resource {theirs}")
        sys.exit(f"{len(differences)} instants differ: no ratio.")


def next_working_day(calendar, today):
    """A local day from the day after tomorrow on which ``calendar`` works."""
    days = {int(attendance.dayofweek) for attendance in calendar.attendance_ids}
    day = today + timedelta(days=2)
    while day.weekday() not in days:
        day += timedelta(days=1)
    return day


def compare(args, registry):
    import odoo
    from odoo import fields

    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        now = fields.Datetime.now()
        today = now.date()
        calendars = create_calendars(env, today)
        sections = create_sections(env, calendars, args.sections)
        insert_cases(env, sections, args.cases, now)
        cr.commit()
        print("-- set-up")
        timed(
            f"{len(sections) * 2} policies, statuses of {args.cases} cases",
            lambda: (create_policies(env, sections), process_marked(env)),
        )
        cr.execute("SELECT count(*), count(deadline) FROM crm_case_sla_status")
        statuses, with_deadline = cr.fetchone()
        print(f"statuses: {statuses}, with a deadline: {with_deadline}")

        changed = calendars[0]
        before = read_instants(env, changed)
        print(f"-- crm_case: a holiday added to {changed.name} ({changed.tz})")
        holiday = next_working_day(changed, today)
        seconds_ours, __ = timed(
            f"{len(before)} statuses recomputed (cron batches)",
            lambda: (
                add_holiday(env, changed, holiday, "Bench holiday"),
                process_marked(env),
            ),
        )
        after = read_instants(env, changed)
        moved = sum(before[key][3] != after[key][3] for key in after)
        print(f"deadlines moved by the holiday of {holiday}: {moved}")
        if not moved or count_marked(env):
            sys.exit("The holiday moved no deadline, or cases are left marked.")

        print("-- crm_case: the rule cron with nothing due")
        Rule = env["crm.case.rule"]
        seconds_cron, __ = timed("crm.case.rule._cron_check()", Rule._cron_check)
        cr.execute("SELECT count(*) FROM crm_case_sla_status WHERE state != 'ongoing'")
        if cr.fetchone()[0]:
            sys.exit("Some status was due: the cron check did not run empty.")

        print("-- resource: the same instants, case by case (plan_hours)")
        env.invalidate_all()
        seconds_theirs, planned = timed(
            f"{2 * len(after)} instants planned",
            lambda: plan_case_by_case(changed.with_env(env), after),
        )
        check_same(after, planned)
        print("-- result")
        print(f"same deadlines and at-risk instants: all {len(after)} statuses")
        print(f"rule cron with nothing due: {seconds_cron:.3f} s")
        print(f"ratio resource / crm_case: {seconds_theirs / seconds_ours:.1f}x")


def main():
    args = parse_args()
    odoo_setup.require_odoo()
    odoo_setup.require_postgresql()
    print(
        f"crm_case SLA bench: {args.cases} open cases, {args.sections} sections, "
        "5 calendars"
    )
    with odoo_setup.bench_registry(args.db, ["crm_case"], args.keep) as registry:
        compare(args, registry)


if __name__ == "__main__":
    main()
