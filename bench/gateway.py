"""bench/gateway: incoming mails through ``message_process``, crm_case vs crm.

Runs the same stream of mails (half new threads, half replies threaded by
In-Reply-To) into a case section alias and into a stock crm.team alias (module
crm), and prints mails per second, the peak Python memory of each batch and the
ratio of throughputs. Nothing is committed: each run is rolled back.

Usage: python3 bench/gateway.py [--mails 2000] [--database crm_case_bench]
The database is created (crm and crm_case, no demo data) when missing.
"""

import argparse
import os
import subprocess
import sys
import time
import tracemalloc

sys.path.insert(
    0,
    os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tools"),
)

import odoo_setup  # noqa: E402

DOMAIN = "bench.example.com"
BATCH = 500
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


def ensure_database(database, addons_dir):
    import psycopg2

    with psycopg2.connect(dbname="postgres") as connection:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
            exists = cursor.fetchone()
    connection.close()
    if exists:
        return
    print(f"creating database {database} with crm and crm_case...", flush=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "odoo",
            "-d",
            database,
            f"--addons-path={addons_dir}",
            "-i",
            "crm,crm_case",
            "--without-demo=all",
            "--stop-after-init",
            "--no-http",
            "--log-level=warn",
        ],
        check=True,
    )


def make_mails(count, to, tag):
    """``count`` raw mails: new threads first, then one reply to each."""
    news = count // 2
    mails = []
    for number in range(news):
        mails.append(
            MAIL.format(
                customer=number % 50,
                to=to,
                subject=f"Machine {number} stopped",
                msg_id=f"<{tag}-{number}@client.example.org>",
                reply="",
                number=number,
            ).encode()
        )
    for number in range(count - news):
        parent = f"<{tag}-{number % news}@client.example.org>"
        mails.append(
            MAIL.format(
                customer=number % 50,
                to=to,
                subject=f"Re: Machine {number % news} stopped",
                msg_id=f"<{tag}-reply-{number}@client.example.org>",
                reply=f"In-Reply-To: {parent}\nReferences: {parent}\n",
                number=number,
            ).encode()
        )
    return mails


def setup(env):
    """An alias domain, a case section alias and a stock lead team alias."""
    domain = env["mail.alias.domain"].search([("name", "=", DOMAIN)])
    if not domain:
        domain = env["mail.alias.domain"].create({"name": DOMAIN})
    env.company.alias_domain_id = domain
    section = env["crm.case.section"].create(
        {"name": "Bench Support", "alias_name": "bench-cases"}
    )
    team = env["crm.team"].create(
        {"name": "Bench Sales", "use_leads": True, "alias_name": "bench-leads"}
    )
    return section.alias_email, team.alias_email


def run(env, mails):
    """Process the mails; return (mails per second, [peak MB of each batch])."""
    thread = env["mail.thread"]
    peaks = []
    tracemalloc.start()
    start = time.perf_counter()
    for index, raw in enumerate(mails, 1):
        thread.message_process(False, raw)
        if index % BATCH == 0 or index == len(mails):
            env.flush_all()
            env.invalidate_all()
            peaks.append(tracemalloc.get_traced_memory()[1] / 1024 / 1024)
            tracemalloc.reset_peak()
    elapsed = time.perf_counter() - start
    tracemalloc.stop()
    return len(mails) / elapsed, peaks


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mails", type=int, default=2000)
    parser.add_argument("--database", default="crm_case_bench")
    args = parser.parse_args()
    odoo_setup.require_odoo()
    odoo_setup.require_postgresql()
    addons_dir = odoo_setup.make_addons_dir("crm_case_bench_")
    ensure_database(args.database, addons_dir)

    import odoo
    from odoo import SUPERUSER_ID, api

    odoo.tools.config.parse_config(
        [f"--addons-path={addons_dir}", "-d", args.database, "--log-level=warn"]
    )
    registry = odoo.modules.registry.Registry(args.database)
    results = {}
    for label in ("crm.lead (stock crm team alias)", "crm.case (section alias)"):
        cr = registry.cursor()
        try:
            env = api.Environment(cr, SUPERUSER_ID, {})
            case_to, lead_to = setup(env)
            to = case_to if label.startswith("crm.case") else lead_to
            tag = f"bench-{time.time():.0f}-{label.split()[0]}"
            # Warm the caches of both models outside the measure.
            run(env, make_mails(20, to, tag + "-warm"))
            results[label] = run(env, make_mails(args.mails, to, tag))
        finally:
            cr.rollback()
            cr.close()
    for label, (rate, peaks) in results.items():
        batches = ", ".join(f"{peak:.1f}" for peak in peaks)
        print(f"{label}: {rate:.1f} mails/s, peak MB per {BATCH} mails: {batches}")
    case_rate = results["crm.case (section alias)"][0]
    lead_rate = results["crm.lead (stock crm team alias)"][0]
    print(f"ratio crm.case / crm.lead throughput: {case_rate / lead_rate:.2f}x")


if __name__ == "__main__":
    main()
