"""Benchmark of the case statistics against crm's pipeline analysis.

Run from the repository root (not part of ``make test``)::

    python3 -m bench.report [--cases 1000000] [--sections 20]
        [--users 50] [--years 5] [--db crm_case_bench_report] [--keep]
        [--reuse [--update]] [--repeat 3]

It creates a fresh database with crm_case and crm (no demo data), inserts
``--cases`` cases and as many leads in bulk (spread over the sections or sales
teams, the users and the months of ``--years`` years), then times, as a user
reading through the record rules, what the web client asks for:

1. the pivot grouped by month x section x user: the ``read_group`` calls of
   every row and column header (month, then section > user), with the count,
   the average delay to close and the revenue sums;
2. the same groupings through ``_read_group`` only: the SQL and the ORM,
   without the formatting of the groups for the web client (labels, domains);
3. the same pivot filtered on last year (the search view's date filter);
4. the graph opening (``web_read_group`` by user and section, count).

The same is done for ``crm.lead`` grouped by month x sales team x user, and
the ratios are printed (above 1: crm.lead is slower).

crm.case.report answers these from the partial sums of crm.case.report.cell;
the bench prints their size, and what their triggers add to the writes: the
time to create, update and close cases one by one with and without them, and
the time the cron then takes to fold their changes.
"""

import datetime
import statistics
import subprocess
import time

import pytz

from bench import database_bench_parser
from tools import odoo_setup

# Cases written one by one to measure what the triggers cost.
WRITES = 300

# Per model: the month field, the group field, the measures of the pivot.
SUBJECTS = {
    "crm.case.report": (
        "date",
        "section_id",
        ["__count", "delay_close:avg", "planned_revenue:sum", "weighted_revenue:sum"],
    ),
    "crm.lead": (
        "create_date",
        "team_id",
        ["__count", "day_close:avg", "expected_revenue:sum", "prorated_revenue:sum"],
    ),
}


def parse_args():
    parser = database_bench_parser(__doc__, "crm_case_bench_report", 1000000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--reuse", action="store_true", help="time a database kept by --keep"
    )
    parser.add_argument(
        "--update",
        action="store_true",
        help="with --reuse: update crm_case first (rebuilds the partial sums)",
    )
    return parser.parse_args()


def create_users(env, args):
    groups = [
        env.ref("crm_case.group_crm_case_user").id,
        env.ref("sales_team.group_sale_salesman_all_leads").id,
    ]
    users = (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            [
                {
                    "name": f"Bench User {i}",
                    "login": f"bench_user_{i}",
                    "groups_id": [(6, 0, groups)],
                    "tz": "Europe/Brussels",
                }
                for i in range(args.users)
            ]
        )
    )
    env.flush_all()
    return users


# Shared by both tables: a case or lead ``n`` gets a random section/team, user
# (one in ten unassigned), month of the last ``years`` years, and amounts.
RANDOM_COLUMNS = """
    (%(groups)s::int[])[1 + floor(random() * %(ngroups)s)::int] AS group_id,
    CASE WHEN random() < 0.1 THEN NULL
         ELSE (%(users)s::int[])[1 + floor(random() * %(nusers)s)::int]
    END AS user_id,
    (now() at time zone 'UTC')
        - random() * (%(years)s * interval '365 days') AS date,
    random() AS state_draw,
    round((random() * 20000)::numeric, 2) AS revenue,
    round((random() * 100)::numeric) AS probability,
    random() * interval '30 days' AS delay
"""

# The ``--cases`` rows ``r`` of either table, numbered ``n``.
RANDOM_ROWS = f"""FROM generate_series(1, %(count)s) n,
               LATERAL (SELECT n AS seed, {RANDOM_COLUMNS}) r"""


def random_rows_values(args, groups, users):
    """The parameters of RANDOM_ROWS: the sections or teams and the users."""
    return {
        "groups": groups.ids,
        "ngroups": len(groups),
        "users": users.ids,
        "nusers": len(users),
        "years": args.years,
        "count": args.cases,
    }


def populate_cases(env, args, users):
    cr = env.cr
    sections = env["crm.case.section"].create(
        [{"name": f"Bench {i}", "code": f"b{i}"} for i in range(args.sections)]
    )
    categs = env["crm.case.categ"].create(
        [{"name": f"Bench category {i}"} for i in range(10)]
    )
    rule = env["crm.case.rule"].create({"name": "Bench rule", "active": False})
    env.flush_all()
    cr.execute(
        f"""
        INSERT INTO crm_case (name, section_id, categ_id, user_id, company_id,
                              priority, state, date, date_closed,
                              planned_revenue, planned_cost, probability,
                              escalation_count, create_date, write_date,
                              create_uid, write_uid, active, duration)
        SELECT 'Case ' || n, r.group_id,
               (%(categs)s::int[])[1 + n %% 10], r.user_id, %(company)s,
               (1 + n %% 5)::varchar,
               CASE WHEN r.state_draw < 0.5 THEN 'done'
                    WHEN r.state_draw < 0.6 THEN 'cancel'
                    WHEN r.state_draw < 0.8 THEN 'open'
                    WHEN r.state_draw < 0.9 THEN 'pending'
                    ELSE 'draft' END,
               r.date,
               CASE WHEN r.state_draw < 0.5 THEN r.date + r.delay END,
               r.revenue, round(r.revenue / 3, 2), r.probability,
               CASE WHEN n %% 17 = 0 THEN 1 ELSE 0 END,
               r.date, r.date, 1, 1, true, 1.0
          {RANDOM_ROWS}
        """,
        {
            **random_rows_values(args, sections, users),
            "categs": categs.ids,
            "company": env.company.id,
        },
    )
    # One case in twenty has fired a rule.
    cr.execute(
        """
        INSERT INTO crm_case_rule_log (rule_id, case_id, time_rule, trigger_date,
                                       trigger_key, date, state, attempts,
                                       company_id)
        SELECT %s, id, false, date, 0, date, 'done', 1, company_id
          FROM crm_case WHERE id %% 20 = 0
        """,
        (rule.id,),
    )


def populate_leads(env, args, users):
    teams = env["crm.team"].create(
        [{"name": f"Bench team {i}"} for i in range(args.sections)]
    )
    stages = env["crm.stage"].search([])
    won = stages.filtered("is_won")[:1]
    env.flush_all()
    env.cr.execute(
        f"""
        INSERT INTO crm_lead (name, type, team_id, user_id, company_id, stage_id,
                              active, priority, create_date, write_date,
                              create_uid, write_uid, date_open, date_closed,
                              day_close, expected_revenue, probability,
                              prorated_revenue)
        SELECT 'Lead ' || n, 'opportunity', r.group_id, r.user_id, %(company)s,
               CASE WHEN r.state_draw < 0.5 THEN %(won)s
                    ELSE (%(stages)s::int[])[1 + n %% %(nstages)s] END,
               true, '1', r.date, r.date, 1, 1, r.date,
               CASE WHEN r.state_draw < 0.5 THEN r.date + r.delay END,
               CASE WHEN r.state_draw < 0.5
                    THEN extract(epoch FROM r.delay) / 86400 END,
               r.revenue, r.probability,
               round(r.revenue * r.probability / 100, 2)
          {RANDOM_ROWS}
        """,
        {
            **random_rows_values(args, teams, users),
            "company": env.company.id,
            "won": won.id,
            "stages": stages.ids,
            "nstages": len(stages),
        },
    )


def vacuum(db, tables):
    for table in tables:
        subprocess.run(
            ["psql", "-q", "-d", db, "-c", f"VACUUM ANALYZE {table}"], check=True
        )


def pivot_calls(model):
    """The groupbys of the pivot's read_group calls: every row header prefix
    (none, month) with every column header prefix (none, group, group > user)."""
    month, group, _measures = SUBJECTS[model]
    rows = [[], [f"{month}:month"]]
    columns = [[], [group], [group, "user_id"]]
    return [row + column for row in rows for column in columns]


def time_pivot(env, model, domain=()):
    measures = SUBJECTS[model][2]
    start = time.perf_counter()
    groups = 0
    for groupby in pivot_calls(model):
        groups += len(
            env[model].read_group(list(domain), measures, groupby, lazy=False)
        )
    return time.perf_counter() - start, groups


def time_pivot_last_year(env, model):
    """The pivot filtered on last year, as the search view's date filter does
    it in the user's time zone."""
    zone = pytz.timezone(env.context["tz"])
    year = datetime.date.today().year - 1
    bounds = [
        zone.localize(datetime.datetime(first_year, 1, 1))
        .astimezone(pytz.utc)
        .strftime("%Y-%m-%d %H:%M:%S")
        for first_year in (year, year + 1)
    ]
    # The web client's end bound: the last second of the period.
    end = datetime.datetime.strptime(bounds[1], "%Y-%m-%d %H:%M:%S")
    end -= datetime.timedelta(seconds=1)
    field = SUBJECTS[model][0]
    domain = [(field, ">=", bounds[0]), (field, "<=", str(end))]
    return time_pivot(env, model, domain)


def time_pivot_sql(env, model):
    measures = [m for m in SUBJECTS[model][2] if m != "__count"] + ["__count"]
    start = time.perf_counter()
    groups = 0
    for groupby in pivot_calls(model):
        groups += len(env[model]._read_group([], groupby, measures))
    return time.perf_counter() - start, groups


def time_graph(env, model):
    group = SUBJECTS[model][1]
    start = time.perf_counter()
    result = env[model].web_read_group([], ["__count"], ["user_id", group], lazy=False)
    return time.perf_counter() - start, result["length"]


def time_writes(env, sections, users, triggers):
    """Create, update and close cases one by one, as users do, with or without
    the triggers keeping the partial sums; rolled back afterwards."""
    cr = env.cr
    cr.execute("SAVEPOINT bench_writes")
    if not triggers:
        cr.execute("ALTER TABLE crm_case DISABLE TRIGGER USER")
    Case = env["crm.case"].with_context(tracking_disable=True, mail_notrack=True)
    start = time.perf_counter()
    for n in range(WRITES):
        case = Case.create(
            {
                "name": f"Bench write {n}",
                "section_id": sections[n % len(sections)],
                "user_id": users[n % len(users)],
                "planned_revenue": n,
            }
        )
        case.write({"user_id": users[(n + 1) % len(users)], "planned_revenue": n + 1})
        case.action_open()
        case.action_close()
        env.flush_all()
    seconds = time.perf_counter() - start
    fold_start = time.perf_counter()
    if triggers:
        env["crm.case.report.cell"]._fold()
        env.flush_all()
    fold_seconds = time.perf_counter() - fold_start
    cr.execute("ROLLBACK TO SAVEPOINT bench_writes")
    env.invalidate_all()
    return seconds, fold_seconds


def report_writes(env):
    sections = env["crm.case.section"].search([("code", "like", "b%")]).ids
    users = env["res.users"].search([("login", "like", "bench_user_%")]).ids
    without, __ = time_writes(env, sections, users, triggers=False)
    with_triggers, fold = time_writes(env, sections, users, triggers=True)
    print(
        f"{WRITES} cases created, updated and closed one by one: "
        f"{without:.2f} s without the partial sums' triggers, "
        f"{with_triggers:.2f} s with them ({with_triggers / without:.2f}x); "
        f"folding their changes: {fold * 1000:.0f} ms"
    )


def best_of(args, func, env, model):
    runs = [func(env, model) for _i in range(args.repeat)]
    env.invalidate_all()
    return min(seconds for seconds, _groups in runs), runs[0][1], runs


def prepare_database(args, addons_dir):
    """A fresh database with the cases and leads, or the kept one (--reuse)."""
    import odoo

    if not args.reuse:
        odoo_setup.create_database(args.db, addons_dir, ["crm_case", "crm"])
    elif args.update:
        start = time.perf_counter()
        subprocess.run(
            odoo_setup.odoo_command(
                args.db, addons_dir, "server", "-u", "crm_case", "--stop-after-init"
            ),
            check=True,
        )
        print(f"updated crm_case in {time.perf_counter() - start:.1f} s")
    registry = odoo_setup.open_registry(args.db, addons_dir)
    if not args.reuse:
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            start = time.perf_counter()
            users = create_users(env, args)
            populate_cases(env, args, users)
            populate_leads(env, args, users)
            cr.commit()
            print(f"populated in {time.perf_counter() - start:.1f} s")
            # What the cron does every few minutes.
            start = time.perf_counter()
            env["crm.case.report.cell"]._fold()
            cr.commit()
            print(f"partial sums folded in {time.perf_counter() - start:.1f} s")
        vacuum(args.db, ["crm_case", "crm_case_rule_log", "crm_lead"])
    return registry


def time_reads(args, registry):
    import odoo

    with registry.cursor() as cr:
        cr.execute("SELECT rollup, count(*) FROM crm_case_report_cell GROUP BY rollup")
        print(
            "partial sums:",
            ", ".join(f"{name} {count} rows" for name, count in cr.fetchall()),
        )
    with registry.cursor() as cr:
        # A reader as in the web client: record rules apply, user time zone.
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        analyst = env["res.users"].search([("login", "=", "bench_user_0")])
        env = env(user=analyst.id, context={"tz": "Europe/Brussels", "lang": "en_US"})
        timers = (
            ("pivot", time_pivot),
            ("pivot SQL", time_pivot_sql),
            ("pivot last year", time_pivot_last_year),
            ("graph", time_graph),
        )
        results = {}
        for model in SUBJECTS:
            for label, func in timers:
                seconds, groups, runs = best_of(args, func, env, model)
                results[model, label] = seconds
                times = ", ".join(f"{run[0]:.2f}" for run in runs)
                median = statistics.median(run[0] for run in runs)
                print(
                    f"{model:<16} {label:<15}: best {seconds:6.2f} s "
                    f"(runs {times}; median {median:.2f}) {groups} groups"
                )
        for label, _func in timers:
            ratio = results["crm.lead", label] / results["crm.case.report", label]
            print(f"ratio crm.lead / crm.case.report, {label}: {ratio:.2f}x")
        report_writes(env(user=odoo.SUPERUSER_ID))


def main():
    args = parse_args()
    odoo_setup.require_odoo()
    odoo_setup.require_postgresql()
    print(
        f"crm_case report bench: {args.cases} cases and leads, {args.sections} "
        f"sections/teams, {args.users} users, {args.years} years"
    )
    with odoo_setup.private_addons("crm_case_bench_") as addons_dir:
        try:
            time_reads(args, prepare_database(args, addons_dir))
        finally:
            if not args.keep:
                odoo_setup.drop_database(args.db)


if __name__ == "__main__":
    main()
