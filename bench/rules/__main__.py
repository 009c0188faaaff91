"""Benchmark of the case rule checker against base_automation time rules.

Run from the repository root (not part of ``make test``)::

    python3 -m bench.rules [--cases 100000] [--sections 20]
        [--rules 20] [--due 10000] [--db crm_case_bench_rules] [--keep]

It creates a fresh database with crm_case and base_automation (no demo data),
inserts the cases in bulk (80 % open), then times on the same data:

1. the crm_case checker with nothing due, with ``--due`` cases due, and again
   once they have all fired;
2. the same conditions written as base_automation time-triggered rules, and
   the time of base_automation's checker.

Before the ratios it checks that both sides did the same complete work: on
the crm_case side every due case raised, logged once as done and noted once
in its history, and nothing more on the second run; on base_automation's
side every due case raised. It stops without a ratio otherwise.
"""

import resource
import time
from datetime import timedelta

from bench import database_bench_parser
from tools import odoo_setup


def parse_args():
    parser = database_bench_parser(__doc__, "crm_case_bench_rules", 100000)
    parser.add_argument("--rules", type=int, default=20)
    parser.add_argument("--due", type=int, default=10000)
    return parser.parse_args()


def peak_memory_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def populate(env, args):
    cr = env.cr
    sections = env["crm.case.section"].create(
        [{"name": f"Bench {i}", "code": f"b{i}"} for i in range(args.sections)]
    )
    env.flush_all()
    cr.execute(
        """
        INSERT INTO crm_case (name, section_id, company_id, priority, state,
                              date, create_date, write_date, create_uid,
                              write_uid, user_id, active, duration)
        SELECT 'Case ' || n, (%(sections)s::int[])[1 + n %% %(nsections)s],
               %(company)s, '3',
               CASE WHEN n %% 5 = 0 THEN 'done' ELSE 'open' END,
               now() at time zone 'UTC', now() at time zone 'UTC',
               now() at time zone 'UTC', 1, 1, 2, true, 1.0
          FROM generate_series(1, %(cases)s) n
        """,
        {
            "sections": sections.ids,
            "nsections": args.sections,
            "company": env.company.id,
            "cases": args.cases,
        },
    )
    cr.execute("ANALYZE crm_case")
    return sections


def make_due(env, due, now):
    """Put the case date of ``due`` open cases 3 days back, the rest now."""
    env.cr.execute(
        "UPDATE crm_case SET date = %s, priority = '3'",
        (now,),
    )
    env.cr.execute(
        """
        UPDATE crm_case SET date = %s
         WHERE id IN (SELECT id FROM crm_case WHERE state = 'open'
                      ORDER BY id LIMIT %s)
        """,
        (now - timedelta(days=3), due),
    )
    env.cr.execute("DELETE FROM crm_case_rule_log")
    env.cr.commit()
    env.invalidate_all()
    vacuum(env.cr.dbname)


def vacuum(database):
    """VACUUM ANALYZE the tables the checkers read and write: the updates
    above rewrite every case, and a database in use is not measured right
    after that with the old rows left dead and autovacuum about to start."""
    import psycopg2
    from psycopg2 import sql

    connection = psycopg2.connect(dbname=database)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            for table in ("crm_case", "crm_case_rule_log", "mail_message"):
                cursor.execute(
                    sql.SQL("VACUUM ANALYZE {}").format(sql.Identifier(table))
                )
    finally:
        connection.close()


def timed(label, func):
    """Run ``func``, print its time and query count, return (seconds, queries)."""
    from odoo import sql_db

    queries = sql_db.sql_counter
    start = time.perf_counter()
    func()
    seconds = time.perf_counter() - start
    queries = sql_db.sql_counter - queries
    print(
        f"{label:<48} {seconds:8.2f} s  {queries:8d} queries"
        f"  peak {peak_memory_mb():7.0f} MB"
    )
    return seconds, queries


def fetch_one(cr, query, *params):
    cr.execute(query, params)
    return cr.fetchone()


def check_ours(cr, due):
    """What the crm_case checker must have done: every due case raised, one
    firing done per case, one history note per case."""
    problems = []
    raised = fetch_one(cr, "SELECT count(*) FROM crm_case WHERE priority = '1'")[0]
    if raised != due:
        problems.append(f"{raised} cases raised, {due} expected")
    firings = fetch_one(
        cr,
        """SELECT count(*), count(DISTINCT log.case_id),
                  count(*) FILTER (WHERE log.state = 'done'),
                  count(*) FILTER (WHERE c.priority = '1')
             FROM crm_case_rule_log log JOIN crm_case c ON c.id = log.case_id""",
    )
    if firings != (due, due, due, due):
        problems.append(
            f"firings (all, cases, done, on raised cases) {firings}, {due} expected"
        )
    notes = fetch_one(
        cr,
        """SELECT count(*), count(DISTINCT m.res_id)
             FROM mail_message m JOIN crm_case c ON c.id = m.res_id
            WHERE m.model = 'crm.case' AND c.priority = '1'
              AND m.body LIKE %s""",
        "%Bench rule%",
    )
    if notes != (due, due):
        problems.append(f"history notes (all, cases) {notes}, {due} expected")
    return problems


def check_theirs(cr, due):
    """What base_automation must have done: every due case raised."""
    raised = fetch_one(cr, "SELECT count(*) FROM crm_case WHERE priority = '1'")[0]
    return [] if raised == due else [f"{raised} cases raised, {due} expected"]


def stop_if(problems, side):
    if problems:
        raise SystemExit(f"{side} did not do the complete work: {'; '.join(problems)}")


def compare(args, registry):
    """Time both checkers on the same cases and print the ratios."""
    import odoo
    from odoo import fields

    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        sections = populate(env, args)
        cr.commit()
        Rule = env["crm.case.rule"]
        rules = Rule.create(
            [
                {
                    "name": f"Bench rule {i}",
                    "trg_state_from": "open",
                    "trg_state_to": "open",
                    "trg_section_id": sections[i % len(sections)].id,
                    "trg_date_type": "date",
                    "trg_date_range": 2,
                    "trg_date_range_type": "day",
                    "act_priority": "1",
                }
                for i in range(args.rules)
            ]
        )
        cr.commit()
        now = fields.Datetime.now()

        print("-- crm_case checker (crm.case.rule._check_time_rules, commit per batch)")
        make_due(env, 0, now)
        ours_nothing = timed("nothing due", lambda: rules._check_time_rules())
        make_due(env, args.due, now)
        ours = timed(f"{args.due} due", lambda: rules._check_time_rules())
        timed("again, all fired", lambda: rules._check_time_rules())
        ours_memory = peak_memory_mb()
        stop_if(check_ours(cr, args.due), "crm_case")

        print("-- base_automation checker (base.automation._check)")
        rules.write({"active": False})
        model = env["ir.model"]._get("crm.case")
        date_field = env["ir.model.fields"]._get("crm.case", "date")
        Automation = env["base.automation"]
        automations = Automation.create(
            [
                {
                    "name": f"Bench automation {i}",
                    "model_id": model.id,
                    "trigger": "on_time",
                    "trg_date_id": date_field.id,
                    "trg_date_range": 2,
                    "trg_date_range_type": "day",
                    "filter_domain": repr(
                        [
                            ("state", "=", "open"),
                            ("section_id", "=", sections[i % len(sections)].id),
                        ]
                    ),
                    "action_server_ids": [
                        fields.Command.create(
                            {
                                "name": f"Bench action {i}",
                                "model_id": model.id,
                                "state": "code",
                                "code": "record.write({'priority': '1'})",
                            }
                        )
                    ],
                }
                for i in range(args.rules)
            ]
        )
        make_due(env, 0, now)
        cr.commit()
        theirs_nothing = timed("nothing due", lambda: Automation._check(automatic=True))
        make_due(env, args.due, now)
        automations.write({"last_run": False})
        cr.commit()
        theirs = timed(f"{args.due} due", lambda: Automation._check(automatic=True))
        stop_if(check_theirs(cr, args.due), "base_automation")
        print("-- result (both sides checked: every due case changed)")
        print(f"crm_case peak memory: {ours_memory:.0f} MB")
        for label, our, their in (
            ("nothing due", ours_nothing, theirs_nothing),
            (f"{args.due} due", ours, theirs),
        ):
            print(
                f"ratio base_automation / crm_case, {label}: "
                f"{their[0] / our[0]:.1f}x time, {their[1] / our[1]:.1f}x queries"
            )


def main():
    args = parse_args()
    odoo_setup.require_odoo()
    odoo_setup.require_postgresql()
    print(
        f"crm_case rules bench: {args.cases} cases, {args.sections} sections, "
        f"{args.rules} time rules, {args.due} due"
    )
    modules = ["crm_case", "base_automation"]
    with odoo_setup.bench_registry(args.db, modules, args.keep) as registry:
        compare(args, registry)


if __name__ == "__main__":
    main()
