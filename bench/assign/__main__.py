"""Benchmark of the automatic assignment against per-case assignment.

Run from the repository root (not part of ``make test``)::

    python3 -m bench.assign [--cases 10000] [--members 50] [--cap 250]
        [--db crm_case_bench_assign] [--keep]

It creates a fresh database with crm_case (no demo data), two sections of the
same ``--members`` members holding the same open cases already (0 to 60
each), and times, for ``--cases`` new cases without a responsible:

1. crm_case: one batch create in a balanced section; the section's choice
   reads the loads once and puts the responsibles in the inserted rows;
2. the way OCA-style addons assign: the same batch created unassigned, then
   for each case a grouped count of the members' open cases, the least
   loaded member under the cap, and a write.

Both sides run with the same context, which leaves out the mail side effects
of a case (creation and tracking notes, followers, the "assigned to you"
mails): they are the same on both sides and would drown the assignment.
Both sides are then checked: every case assigned, no member over the cap,
open loads within one of each other. The ratios are printed last: whole
work, and the choice alone (crm_case's choice for the batch, without the
create, against the per-case loop).
"""

import argparse
import time

from tools import odoo_setup

# The same on both sides: the mail side effects are left out.
QUIET_CONTEXT = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_auto_subscribe_no_notify": True,
}
# Open cases the members hold before the bench: member i holds LOAD_STEP times
# (i modulo LOAD_CYCLE).
LOAD_STEP = 10
LOAD_CYCLE = 7


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10000)
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--cap", type=int, default=250)
    parser.add_argument("--db", default="crm_case_bench_assign")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    return parser.parse_args()


def timed(label, func):
    from odoo import sql_db

    queries = sql_db.sql_counter
    start = time.perf_counter()
    func()
    seconds = time.perf_counter() - start
    print(f"{label:<52} {seconds:8.2f} s  {sql_db.sql_counter - queries:8d} queries")
    return seconds


def populate(env, args):
    """Two sections of the same members with the same open load."""
    from odoo import Command

    group = env.ref("crm_case.group_crm_case_user")
    members = env["res.users"].create(
        [
            {
                "name": f"Bench Member {index}",
                "login": f"bench_member_{index}",
                "email": f"bench.member.{index}@example.com",
                "groups_id": [Command.set([group.id, env.ref("base.group_user").id])],
            }
            for index in range(args.members)
        ]
    )
    Section = env["crm.case.section"]
    sections = Section.create(
        [
            {
                "name": name,
                "code": code,
                "member_ids": [Command.set(members.ids)],
                "assign_max_open": args.cap,
            }
            for name, code in (("Ours", "ours"), ("Theirs", "theirs"))
        ]
    )
    env["crm.case"].create(
        [
            {
                "name": f"Existing {index}",
                "section_id": section.id,
                "user_id": member.id,
            }
            for section in sections
            for position, member in enumerate(members)
            for index in range(LOAD_STEP * (position % LOAD_CYCLE))
        ]
    )
    return sections


def new_cases_values(section, count):
    return [
        {"name": f"New case {index}", "section_id": section.id, "user_id": False}
        for index in range(count)
    ]


def assign_per_case(env, section, cases):
    """Assign each case as per-record addons do: count, choose, write."""
    Case = env["crm.case"]
    unclosed = Case._get_unclosed_states()
    members = section.member_ids
    for case in cases:
        groups = Case._read_group(
            [
                ("section_id", "=", section.id),
                ("user_id", "in", members.ids),
                ("state", "in", unclosed),
            ],
            ["user_id"],
            ["__count"],
        )
        loads = dict.fromkeys(members.ids, 0)
        loads.update({user.id: count for user, count in groups})
        user_id = min(loads, key=lambda uid: (loads[uid], uid))
        if section.assign_max_open and loads[user_id] >= section.assign_max_open:
            continue
        case.write({"user_id": user_id})


def check(env, section, cases, args):
    """Every case assigned; final open loads under the cap, within one."""
    assert all(case.user_id for case in cases), f"{section.name}: unassigned cases"
    groups = env["crm.case"]._read_group(
        [
            ("section_id", "=", section.id),
            ("state", "in", ["draft", "open", "pending"]),
        ],
        ["user_id"],
        ["__count"],
    )
    loads = {user.id: count for user, count in groups}
    counts = [loads.get(uid, 0) for uid in section.member_ids.ids]
    assert max(counts) <= args.cap, f"{section.name}: over the cap"
    assert max(counts) - min(counts) <= 1, f"{section.name}: unbalanced {counts}"
    return min(counts), max(counts)


def compare(args, registry):
    import odoo

    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, QUIET_CONTEXT)
        ours, theirs = populate(env, args)
        cr.commit()
        Case = env["crm.case"]

        print("-- crm_case: batch create in a balanced section")
        ours.assign_method = "balanced"
        cr.commit()
        created = Case.browse()

        def choose_ours():
            Case._assign_new_case_values(new_cases_values(ours, args.cases))

        choice_seconds = timed(f"the choice alone for {args.cases} cases", choose_ours)
        cr.rollback()  # the same loads and state for the create

        def create_ours():
            nonlocal created
            created = Case.create(new_cases_values(ours, args.cases))
            env.flush_all()

        ours_seconds = timed(f"create {args.cases} cases, assigned", create_ours)
        cr.commit()
        print(f"loads from {check(env, ours, created, args)}")

        print("-- OCA-style: unassigned batch create, then one choice per case")
        unassigned = Case.browse()

        def create_theirs():
            nonlocal unassigned
            unassigned = Case.create(new_cases_values(theirs, args.cases))
            env.flush_all()

        create_seconds = timed(f"create {args.cases} cases, unassigned", create_theirs)
        cr.commit()

        def assign_theirs():
            assign_per_case(env, theirs, unassigned)
            env.flush_all()

        assign_seconds = timed("assign each case (count, choose, write)", assign_theirs)
        cr.commit()
        print(f"loads from {check(env, theirs, unassigned, args)}")
        print("-- result")
        theirs_seconds = create_seconds + assign_seconds
        print(f"crm_case: {ours_seconds:.2f} s; OCA-style: {theirs_seconds:.2f} s")
        print(f"ratio OCA-style / crm_case: {theirs_seconds / ours_seconds:.1f}x")
        print(
            "ratio of the choice alone, per-case loop / crm_case: "
            f"{assign_seconds / choice_seconds:.0f}x"
        )


def main():
    args = parse_args()
    odoo_setup.require_odoo()
    odoo_setup.require_postgresql()
    print(
        f"crm_case assignment bench: {args.cases} new cases, {args.members} "
        f"members, cap {args.cap}"
    )
    with odoo_setup.bench_registry(args.db, ["crm_case"], args.keep) as registry:
        compare(args, registry)


if __name__ == "__main__":
    main()
