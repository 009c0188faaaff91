"""Load bench: crm_case under concurrent users, incoming mails, fetches and rules.

Starts Odoo in prefork mode (4 workers and the cron worker) on a loopback port
against a fresh database, a Dovecot IMAP server and a mail sink on loopback;
for a bounded time, JSON-RPC clients (threads) create, update, escalate and
close cases and post messages while mails are delivered to the IMAP server,
fetched by two competing fetchers and the fetch cron, and the time rules are
checked by a checker thread and the rule cron. Then it checks that nothing was
lost or doubled and prints throughput and latency percentiles per operation.

    python3 -m bench.load --seconds 60 --clients 8     # full mode
    python3 -m bench.load --seconds 5 --clients 3      # short mode

Everything it starts is stopped at the end and its database dropped. The
exit code is 1 when a check failed.

This file drives the load; the servers and client it talks to are in
``peers.py``, the data it sets up in ``data.py``, and what it checks and
reports after the run in ``checks.py``.
"""

import argparse
import http.client
import os
import random
import signal
import subprocess
import sys
import threading
import time

from tools import odoo_setup

from .checks import LoadChecks
from .data import MAILBOX, setup_data
from .peers import Dovecot, Rpc, RpcError, SmtpSink


class LoadBench(LoadChecks):
    """Starts the peers and the server, drives the load, then checks and
    reports it (the checks are in ``checks.py``)."""

    def __init__(self, options):
        self.options = options
        self.database = f"crm_case_load_{os.getpid()}"
        self.addons_dir = odoo_setup.make_addons_dir("crm_case_load_")
        self.log_path = os.path.join(self.addons_dir, "server.log")
        self.port = odoo_setup.free_port()
        self.server = None
        self.dovecot = None
        self.sink = None
        self.ids = {}
        self.lock = threading.Lock()
        self.latencies = {}
        self.errors = []
        self.retries = 0
        self.created = {}
        self.delivered = 0
        self.stop_event = threading.Event()

    # -- processes -------------------------------------------------

    def odoo(self, *args, quiet=False):
        return odoo_setup.odoo_command(
            self.database, self.addons_dir, *args, quiet=quiet
        )

    def create_database(self):
        if self.options.template:
            odoo_setup.create_empty_database(self.database, self.options.template)
            return
        with open(os.path.join(self.addons_dir, "install.log"), "w") as log:
            odoo_setup.create_database(
                self.database, self.addons_dir, [odoo_setup.ADDON_NAME], log=log
            )

    def start_server(self):
        self.server = subprocess.Popen(
            self.odoo(
                "server",
                "--workers",
                "4",
                "--max-cron-threads",
                "1",
                "--http-interface",
                "127.0.0.1",
                "--http-port",
                str(self.port),
                "--gevent-port",
                str(odoo_setup.free_port()),
                "--db-filter",
                f"^{self.database}$",
                "--smtp",
                "127.0.0.1",
                "--smtp-port",
                str(self.sink.server_address[1]),
                "--limit-time-real",
                "600",
                "--limit-time-cpu",
                "600",
                "--logfile",
                self.log_path,
                "--log-level",
                "info",
            ),
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, 5)
                connection.request("GET", "/web/health")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError("the Odoo server did not answer in time")

    def stop(self):
        if self.server and self.server.poll() is None:
            os.killpg(self.server.pid, signal.SIGTERM)
            try:
                self.server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.server.pid, signal.SIGKILL)
                self.server.wait()
        if self.dovecot:
            self.dovecot.stop()
        if self.sink:
            self.sink.shutdown()
            self.sink.server_close()
        if not self.options.keep:
            odoo_setup.drop_database(self.database)
            subprocess.run(["rm", "-rf", self.addons_dir], check=False)

    # -- measured calls --------------------------------------------

    def timed(self, operation, rpc, model, method, *args, **kwargs):
        """Call with one more try on a serialization conflict; record the
        latency, or the error."""
        for attempt in (1, 2, 3):
            start = time.perf_counter()
            try:
                result = rpc.call(model, method, *args, **kwargs)
            except RpcError as error:
                if error.retried_conflict and attempt < 3:
                    with self.lock:
                        self.retries += 1
                    continue
                with self.lock:
                    self.errors.append(f"{operation}: {error}")
                return None
            with self.lock:
                self.latencies.setdefault(operation, []).append(
                    time.perf_counter() - start
                )
            return result
        return None

    # -- workers ---------------------------------------------------

    def client(self, index, uid, deadline):
        rpc = Rpc(self.port, self.database, uid)
        randomizer = random.Random(index)
        mine = []
        escalable = []
        sequence = 0
        while time.monotonic() < deadline:
            choice = randomizer.random()
            if choice < 0.3 or not mine:
                sequence += 1
                name = f"load c{index} n{sequence}"
                case_id = self.timed(
                    "create",
                    rpc,
                    "crm.case",
                    "create",
                    {"name": name, "section_id": self.ids["level1"], "user_id": uid},
                )
                if case_id:
                    with self.lock:
                        self.created[name] = case_id
                    mine.append(case_id)
                    escalable.append(case_id)
            elif choice < 0.5:
                self.timed(
                    "update",
                    rpc,
                    "crm.case",
                    "write",
                    [randomizer.choice(mine)],
                    {"priority": randomizer.choice("12345"), "probability": 50},
                )
            elif choice < 0.7:
                self.timed(
                    "message",
                    rpc,
                    "crm.case",
                    "message_post",
                    [randomizer.choice(mine)],
                    body=f"Note {sequence} of client {index}",
                    message_type="comment",
                    subtype_xmlid="mail.mt_note",
                )
            elif choice < 0.8 and escalable:
                case_id = escalable.pop(randomizer.randrange(len(escalable)))
                self.timed("escalate", rpc, "crm.case", "action_escalate", [case_id])
            else:
                case_id = mine.pop(randomizer.randrange(len(mine)))
                if case_id in escalable:
                    escalable.remove(case_id)
                if self.timed("open", rpc, "crm.case", "action_open", [case_id]):
                    self.timed("close", rpc, "crm.case", "action_close", [case_id])

    def deliver(self):
        """Put mails in the mailbox until stopped: new requests, answers to
        cases, mails without Message-Id and unreadable ones."""
        randomizer = random.Random(42)
        number = 0
        while not self.stop_event.is_set():
            number += 1
            kind = randomizer.random()
            headers = (
                f"From: Customer {number} <customer{number}@load.example.com>\n"
                f"To: support@load.example.com\n"
            )
            if kind < 0.1:
                raw = f"{headers}Subject: No id {number}\n\nHello {number}\n"
            elif kind < 0.15:
                raw = (
                    f"Message-Id: <broken-{number}@load.example.com>\n\x00\xff{number}"
                )
            else:
                with self.lock:
                    cases = list(self.created.values())
                tag = f"[{randomizer.choice(cases)}] " if cases and kind < 0.4 else ""
                raw = (
                    f"{headers}Message-Id: <load-{number}@load.example.com>\n"
                    f"Subject: {tag}Request {number}\n\nPlease help ({number}).\n"
                )
            self.dovecot.deliver(MAILBOX, raw.encode("utf-8", "surrogateescape"))
            self.delivered += 1
            self.stop_event.wait(0.4)

    def repeat(self, operation, login, model, method, *args):
        uid = self.ids[login][0]
        rpc = Rpc(self.port, self.database, uid)
        while not self.stop_event.is_set():
            self.timed(operation, rpc, model, method, *args)
            self.stop_event.wait(2)

    # -- run -------------------------------------------------------

    def warm_up(self):
        """Each worker loads the registry on its first request: not measured."""
        rpc_threads = [
            threading.Thread(
                target=Rpc(self.port, self.database, uid).call,
                args=("res.users", "context_get"),
            )
            for uid, __ in self.ids["users"] * 3
        ]
        for thread in rpc_threads:
            thread.start()
        for thread in rpc_threads:
            thread.join()

    def run_load(self):
        deadline = time.monotonic() + self.options.seconds
        threads = [
            threading.Thread(target=self.client, args=(index, uid, deadline))
            for index, (uid, __) in enumerate(self.ids["users"])
        ]
        background = [
            threading.Thread(target=self.deliver),
            *(
                threading.Thread(
                    target=self.repeat,
                    args=(
                        "fetch",
                        "admin",
                        "fetchmail.server",
                        "fetch_mail",
                        [self.ids["server"]],
                    ),
                )
                for __ in range(self.options.fetchers)
            ),
            threading.Thread(
                target=self.repeat,
                args=(
                    "rule check",
                    "manager",
                    "crm.case.rule",
                    "action_run_now",
                    self.ids["time_rules"],
                ),
            ),
        ]
        started = time.monotonic()
        for thread in threads + background:
            thread.start()
        for thread in threads:
            thread.join()
        self.stop_event.set()
        for thread in background:
            thread.join()
        return time.monotonic() - started

    def finish(self):
        """Fetch what is left and check the rules once more, as the crons
        would in the next minutes."""
        admin = Rpc(self.port, self.database, self.ids["admin"][0])
        manager = Rpc(self.port, self.database, self.ids["manager"][0])
        for __ in range(10):
            self.timed(
                "fetch", admin, "fetchmail.server", "fetch_mail", [self.ids["server"]]
            )
            if all("\\Seen" in flags for flags in self.dovecot.flags(MAILBOX)):
                break
        # The checker compares trigger instants with the current second: a case
        # created in this second is due only from the next one.
        time.sleep(1.1)
        self.timed(
            "rule check",
            manager,
            "crm.case.rule",
            "action_run_now",
            self.ids["time_rules"],
        )

    def run(self):
        try:
            self.create_database()
            self.dovecot = Dovecot().start([MAILBOX])
            self.sink = SmtpSink()
            threading.Thread(target=self.sink.serve_forever, daemon=True).start()
            self.ids = setup_data(
                self.odoo("shell", quiet=True), self.options.clients, self.dovecot
            )
            self.start_server()
            self.warm_up()
            elapsed = self.run_load()
            self.finish()
            problems = self.verify()
            self.report(elapsed)
        finally:
            self.stop()
        return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument(
        "--template", help="copy this database (crm_case installed) to start from"
    )
    parser.add_argument(
        "--fetchers", type=int, default=1, help="fetch requests run in parallel"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database")
    options = parser.parse_args(argv)
    odoo_setup.require_odoo()
    odoo_setup.require_postgresql()
    problems = LoadBench(options).run()
    for problem in problems:
        print(f"crm_case load: FAIL {problem}")
    print("crm_case load: " + ("FAILED" if problems else "all checks passed"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
