"""Benchmark of the case rule checker against base_automation time rules.

Run from the repository root (not part of ``make test``)::

    python3 -m bench.rules [--cases 100000] [--sections 20]
        [--rules 20] [--due 10000] [--db crm_case_bench_rules] [--keep]

It creates a fresh database with crm_case and base_automation (no demo data),
inserts the cases in bulk (80 % open), then times on the same data:

1. the crm_case checker with nothing due, with ``--due`` cases due, and again
   once they have all fired;
2. the same conditions written as base_automation time-triggered rules, and
   the time of base_automation's checker, with the ratio.
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


def timed(label, func):
    from odoo import sql_db

    queries = sql_db.sql_counter
    start = time.perf_counter()
    result = func()
    seconds = time.perf_counter() - start
    print(
        f"{label:<48} {seconds:8.2f} s  {sql_db.sql_counter - queries:8d} queries"
        f"  peak {peak_memory_mb():7.0f} MB  result {result}"
    )
    return seconds


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
        print("-- result")
        print(f"crm_case peak memory: {ours_memory:.0f} MB")
        ratio = theirs_nothing / ours_nothing
        print(f"ratio base_automation / crm_case, nothing due: {ratio:.1f}x")
        print(f"ratio base_automation / crm_case, {args.due} due: {theirs / ours:.1f}x")


def main():
    args = parse_args()
    odoo_setup.require_odoo()
    odoo_setup.require_postgresql()
    print(
        f"crm_case rules bench: {args.cases} cases, {args.sections} sections, "
        f"{args.rules} time rules, {args.due} due"
    )
    with odoo_setup.private_addons("crm_case_bench_") as addons_dir:
        odoo_setup.create_database(args.db, addons_dir, ["crm_case", "base_automation"])
        try:
            compare(args, odoo_setup.open_registry(args.db, addons_dir))
        finally:
            if not args.keep:
                odoo_setup.drop_database(args.db)


if __name__ == "__main__":
    main()
