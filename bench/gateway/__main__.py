"""bench/gateway: incoming mails through ``message_process``, crm_case vs crm.

The same stream of mails (half new threads from 50 senders, half replies
threaded by In-Reply-To) goes into a case section alias and into a stock
``crm.team`` alias (module crm), both through the public entry point
``mail.thread.message_process(model, raw)``, each mail in its own committed
transaction as an MTA pipe's call would be. Batches of the two sides
alternate, so that neither meets a bigger database than the other.

Fair work: Odoo's loop guard (``mail.gateway.loop.threshold``) would stop
the senders' later threads, refused on the case side and silently dropped on
the lead side; the bench raises it alike for both sides in its own fresh
database. Before printing the ratio it checks that each side created one
record per new thread and one message per mail, each reply in its thread,
and stops otherwise. It prints mails per second, the peak Python memory of
each batch and the ratio of throughputs.

Usage, from the repository root::

    python3 -m bench.gateway [--mails 2000] [--db crm_case_bench_gateway] [--keep]

The database is created at each run (crm and crm_case, no demo data) and
dropped at the end unless ``--keep``.
"""

import argparse
import sys
import time
import tracemalloc

from tools import odoo_setup

DOMAIN = "bench.example.com"
BATCH = 500
SENDERS = 50
WARM_UP = 20
MAIL = """From: Customer {customer} <customer{customer}@client.example.org>
To: {to}
Subject: {subject}
Message-ID: {msg_id}
{reply}Date: Sun, 22 Nov 2026 10:00:00 +0000
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"

Hello, this is mail {number} about our order {customer}.
The machine stopped again this morning; could you call us back?
"""


class Side:
    """One model fed by one alias: its mails, its time, its memory peaks."""

    def __init__(self, model, to, tag, count):
        self.model = model
        self.to = to
        self.mails, self.parents = make_mails(count, to, tag)
        self.warm_up = make_mails(WARM_UP, to, tag + "-warm")[0]
        self.elapsed = 0.0
        self.peaks = []
        self.errors = []
        self.last_record_id = 0

    @property
    def rate(self):
        return len(self.mails) / self.elapsed


def make_mails(count, to, tag):
    """``count`` raw mails, new threads first, then one reply to each.

    :return: (the mails, {Message-ID of a reply: Message-ID of its parent})
    """
    news = count // 2
    mails, parents = [], {}
    for number in range(news):
        mails.append(
            MAIL.format(
                customer=number % SENDERS,
                to=to,
                subject=f"Machine {number} stopped",
                msg_id=f"<{tag}-{number}@client.example.org>",
                reply="",
                number=number,
            ).encode()
        )
    for number in range(count - news):
        parent = f"<{tag}-{number % news}@client.example.org>"
        msg_id = f"<{tag}-reply-{number}@client.example.org>"
        parents[msg_id] = parent
        mails.append(
            MAIL.format(
                customer=number % SENDERS,
                to=to,
                subject=f"Re: Machine {number % news} stopped",
                msg_id=msg_id,
                reply=f"In-Reply-To: {parent}\nReferences: {parent}\n",
                number=number,
            ).encode()
        )
    return mails, parents


def setup(env, mails):
    """An alias domain, a case section alias, a stock lead team alias, and
    Odoo's loop guard raised above what one sender of this run creates.

    :return: (the section's address, the team's address)
    """
    params = env["ir.config_parameter"]
    params.set_param("mail.gateway.loop.threshold", str(mails + WARM_UP + 1))
    domain = env["mail.alias.domain"].create({"name": DOMAIN})
    env.company.alias_domain_id = domain
    section = env["crm.case.section"].create(
        {"name": "Bench Support", "alias_name": "bench-cases"}
    )
    team = env["crm.team"].create(
        {"name": "Bench Sales", "use_leads": True, "alias_name": "bench-leads"}
    )
    return section.alias_email, team.alias_email


def process(registry, side, mails):
    """Process ``mails``, one transaction each, as an MTA pipe's calls would;
    an error is kept for the check, as the pipe would report it.

    :return: the seconds spent
    """
    from odoo import SUPERUSER_ID, api

    start = time.perf_counter()
    for raw in mails:
        try:
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["mail.thread"].message_process(side.model, raw)
        except Exception as error:  # noqa: BLE001 - reported by the check
            side.errors.append(f"{message_id(raw)}: {type(error).__name__}: {error}")
    return time.perf_counter() - start


def run_batches(registry, sides):
    """Feed the sides batch by batch, in turn, timing and tracing each."""
    for start in range(0, len(sides[0].mails), BATCH):
        for side in sides:
            tracemalloc.start()
            side.elapsed += process(registry, side, side.mails[start : start + BATCH])
            side.peaks.append(tracemalloc.get_traced_memory()[1] / 1024 / 1024)
            tracemalloc.stop()


def check_side(env, side):
    """What ``side`` should have created and did not, as sentences."""
    records = (
        env[side.model]
        .with_context(active_test=False)
        .search([("id", ">", side.last_record_id)])
    )
    messages = env["mail.message"].search(
        [("model", "=", side.model), ("res_id", "in", records.ids)]
    )
    thread_of = {message.message_id: message.res_id for message in messages}
    news = len(side.mails) - len(side.parents)
    problems = []
    if len(records) != news:
        problems.append(f"{len(records)} new records for {news} new threads")
    stored = sum(1 for raw in side.mails if message_id(raw) in thread_of)
    if stored != len(side.mails):
        problems.append(f"{stored} of {len(side.mails)} mails stored as messages")
    misplaced = sum(
        1
        for reply, parent in side.parents.items()
        if reply in thread_of and thread_of[reply] != thread_of.get(parent)
    )
    if misplaced:
        problems.append(f"{misplaced} replies outside their thread")
    if side.errors:
        problems.append(f"{len(side.errors)} mails raised, first {side.errors[0]}")
    return [f"{side.model}: {problem}" for problem in problems]


def message_id(raw):
    header = next(
        line for line in raw.decode().splitlines() if line.startswith("Message-ID:")
    )
    return header.split(":", 1)[1].strip()


def last_id(env, model):
    records = (
        env[model].with_context(active_test=False).search([], order="id desc", limit=1)
    )
    return records.id or 0


def measure(registry, args):
    """Set up, warm up, run both sides and check them; return the sides."""
    from odoo import SUPERUSER_ID, api

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        case_to, lead_to = setup(env, args.mails)
    tag = f"bench-{time.time():.0f}"
    sides = [
        Side("crm.lead", lead_to, f"{tag}-lead", args.mails),
        Side("crm.case", case_to, f"{tag}-case", args.mails),
    ]
    for side in sides:
        # Warm the caches of both models outside the measure.
        process(registry, side, side.warm_up)
        with registry.cursor() as cr:
            side.last_record_id = last_id(
                api.Environment(cr, SUPERUSER_ID, {}), side.model
            )
    run_batches(registry, sides)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        problems = [problem for side in sides for problem in check_side(env, side)]
    return sides, problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mails", type=int, default=2000)
    parser.add_argument("--db", default="crm_case_bench_gateway")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()
    odoo_setup.require_odoo()
    odoo_setup.require_postgresql()
    print(f"creating database {args.db} with crm and crm_case...", flush=True)
    with odoo_setup.bench_registry(args.db, ["crm", "crm_case"], args.keep) as registry:
        sides, problems = measure(registry, args)
    if problems:
        for problem in problems:
            print(f"bench/gateway: unequal work, {problem}", file=sys.stderr)
        print("bench/gateway: no ratio: the sides did not do the same work.")
        return 1
    for side in sides:
        batches = ", ".join(f"{peak:.1f}" for peak in side.peaks)
        print(
            f"{side.model}: {len(side.mails)} mails in {side.elapsed:.1f} s, "
            f"{side.rate:.1f} mails/s, peak MB per {BATCH} mails: {batches}"
        )
    leads, cases = sides
    print(
        f"checked: {len(cases.mails) - len(cases.parents)} new cases and leads, "
        f"{len(cases.mails)} messages on each side"
    )
    print(f"ratio crm.case / crm.lead throughput: {cases.rate / leads.rate:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
