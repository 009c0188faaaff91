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
"""

import argparse
import http.client
import json
import os
import random
import re
import signal
import socketserver
import subprocess
import sys
import threading
import time
from hashlib import sha256

from tools import odoo_setup

Dovecot = odoo_setup.load_test_helper("dovecot").Dovecot

MAILBOX = "load"
PASSWORD = "load-bench-secret"
# Errors a request may end with under load: PostgreSQL serialization
# conflicts that Odoo retried and gave up on; the client tries once more.
RETRIED_ERRORS = ("SerializationFailure", "could not serialize", "ConcurrencyError")
# The start of each record of the server log, with its level.
LOG_RECORD_RE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (\w+) ", re.M)
# What an error record says when it only reports a serialization conflict
# (Odoo logs the failed query, then retries the request).
CONFLICT_MARKERS = ("could not serialize access", "SerializationFailure")

SETUP_SCRIPT = """
import json
clients = %(clients)d
env["crm.case.rule"].search([]).active = False
user_group = env.ref("crm_case.group_crm_case_user")
manager_group = env.ref("crm_case.group_crm_case_manager")
users = env["res.users"].create([{
    "name": f"Load User {index}", "login": f"load_user_{index}",
    "password": %(password)r, "email": f"load.user.{index}@load.example.com",
    "groups_id": [(6, 0, [user_group.id])],
} for index in range(clients)])
manager = env["res.users"].create({
    "name": "Load Manager", "login": "load_manager", "password": %(password)r,
    "email": "load.manager@load.example.com",
    "groups_id": [(6, 0, [manager_group.id])],
})
admin = env.ref("base.user_admin")
admin.password = %(password)r
level2 = env["crm.case.section"].create({
    "name": "Load Level 2", "user_id": manager.id,
    "reply_to": "level2@load.example.com"})
level1 = env["crm.case.section"].create({
    "name": "Load Level 1", "parent_id": level2.id, "user_id": manager.id,
    "reply_to": "level1@load.example.com"})
rules = env["crm.case.rule"].create([{
    "name": "Remind the responsible at once", "trg_date_type": "create",
    "trg_date_range": 0, "trg_date_range_type": "minutes",
    "act_remind_user": True,
}, {
    "name": "Urgent after escalation", "trg_state_to": "escalate",
    "act_priority": "1",
}])
server = env["fetchmail.server"].create({
    "name": "Load IMAP", "server_type": "imap", "server": "127.0.0.1",
    "port": %(imap_port)d, "is_ssl": False, "user": %(mailbox)r,
    "password": %(imap_password)r,
    "object_id": env["ir.model"]._get_id("crm.case"),
    "crm_case_section_id": level1.id,
})
server.button_confirm_login()
# The crons of the fetch and of the rules come due every minute, now first.
for xmlid in ("mail.ir_cron_mail_gateway_action", "crm_case.ir_cron_check_case_rules"):
    env.ref(xmlid).write({"interval_number": 1, "interval_type": "minutes",
                          "nextcall": odoo.fields.Datetime.now(), "active": True})
env.cr.commit()
print("SETUP " + json.dumps({
    "users": [[user.id, user.login] for user in users],
    "manager": [manager.id, manager.login], "admin": [admin.id, admin.login],
    "level1": level1.id, "level2": level2.id, "server": server.id,
    "time_rules": rules.filtered(lambda rule: rule.trg_date_type != "none").ids,
}))
"""


# ------------------------------------------------------------
# Helpers: ports, SMTP sink, JSON-RPC
# ------------------------------------------------------------


class SmtpSink(socketserver.ThreadingTCPServer):
    """Accepts every mail on loopback and counts them."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        self.received = 0
        super().__init__(("127.0.0.1", odoo_setup.free_port()), SmtpHandler)


class SmtpHandler(socketserver.StreamRequestHandler):
    def handle(self):
        self.wfile.write(b"220 sink ESMTP\r\n")
        in_data = False
        for line in self.rfile:
            if in_data:
                if line in (b".\r\n", b".\n"):
                    in_data = False
                    self.server.received += 1
                    self.wfile.write(b"250 OK\r\n")
                continue
            command = line[:4].upper()
            if command == b"DATA":
                in_data = True
                self.wfile.write(b"354 go on\r\n")
            elif command == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            elif command == b"EHLO":
                self.wfile.write(b"250-sink\r\n250 8BITMIME\r\n")
            else:
                self.wfile.write(b"250 OK\r\n")


class RpcError(Exception):
    def __init__(self, error):
        data = error.get("data") or {}
        self.name = data.get("name") or ""
        super().__init__(f"{self.name}: {data.get('message') or error}")

    @property
    def retried_conflict(self):
        return any(marker in str(self) for marker in RETRIED_ERRORS)


class Rpc:
    """A keep-alive JSON-RPC connection for one thread and one user."""

    def __init__(self, port, database, uid):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        self.database = database
        self.uid = uid

    def call(self, model, method, *args, **kwargs):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {
                "service": "object",
                "method": "execute_kw",
                "args": [
                    self.database,
                    self.uid,
                    PASSWORD,
                    model,
                    method,
                    args,
                    kwargs,
                ],
            },
        }
        self.connection.request(
            "POST",
            "/jsonrpc",
            json.dumps(payload),
            {"Content-Type": "application/json"},
        )
        response = json.loads(self.connection.getresponse().read())
        if "error" in response:
            raise RpcError(response["error"])
        return response.get("result")


# ------------------------------------------------------------
# The bench
# ------------------------------------------------------------


class LoadBench:
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

    def setup_data(self):
        script = SETUP_SCRIPT % {
            "clients": self.options.clients,
            "password": PASSWORD,
            "imap_port": self.dovecot.port_imap,
            "mailbox": MAILBOX,
            "imap_password": Dovecot.password,
        }
        result = subprocess.run(
            self.odoo("shell", quiet=True),
            input=script,
            capture_output=True,
            text=True,
            check=False,
        )
        line = next(
            (row for row in result.stdout.splitlines() if row.startswith("SETUP ")),
            None,
        )
        if not line:
            raise RuntimeError(f"setup failed: {result.stderr[-1500:]}")
        self.ids = json.loads(line[len("SETUP ") :])

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

    # -- run and verify --------------------------------------------

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

    def mailbox_ids(self):
        """The Message-Id the gateway gives each mail of the mailbox."""
        connection = self.dovecot.imap(MAILBOX)
        ids = []
        try:
            __, count = connection.select("INBOX", readonly=True)
            for number in range(1, int(count[0]) + 1):
                __, parts = connection.fetch(str(number), "(BODY.PEEK[])")
                raw = parts[0][1]
                found = re.search(rb"^Message-Id: *(<[^>\r\n]*>)", raw, re.I | re.M)
                if found:
                    ids.append(found.group(1).decode())
                else:
                    digest = sha256(raw).hexdigest()[:40]
                    ids.append(f"<{digest}.no-message-id@crm-case.invalid>")
        finally:
            connection.logout()
        return ids

    def verify(self):
        import psycopg2

        problems = []
        connection = psycopg2.connect(dbname=self.database)
        cursor = connection.cursor()
        cursor.execute(
            "SELECT name, count(*), min(id) FROM crm_case"
            " WHERE name LIKE 'load c%%' GROUP BY name"
        )
        stored = {name: (count, case_id) for name, count, case_id in cursor.fetchall()}
        missing = [name for name in self.created if name not in stored]
        doubled = [name for name, (count, __) in stored.items() if count > 1]
        unknown = [name for name in stored if name not in self.created]
        if missing or doubled or unknown:
            problems.append(
                f"cases: {len(missing)} missing, {len(doubled)} doubled, "
                f"{len(unknown)} not reported to their client"
            )
        ids = self.mailbox_ids()
        cursor.execute(
            "SELECT message_id, count(*) FROM mail_message"
            " WHERE model = 'crm.case' AND message_id = ANY(%s) GROUP BY message_id",
            [ids],
        )
        on_cases = dict(cursor.fetchall())
        cursor.execute(
            "SELECT message_id, count(*) FROM crm_case_mail_failure"
            " WHERE state = 'failed' AND message_id = ANY(%s) GROUP BY message_id",
            [ids],
        )
        failed = dict(cursor.fetchall())
        wrong = [
            message_id
            for message_id in ids
            if on_cases.get(message_id, 0) + failed.get(message_id, 0) != 1
        ]
        if wrong:
            problems.append(
                f"{len(wrong)} mails not recorded exactly once: {wrong[:5]}"
            )
        cursor.execute(
            "SELECT count(*) FROM (SELECT 1 FROM crm_case_rule_log WHERE time_rule"
            " GROUP BY rule_id, case_id, trigger_date HAVING count(*) > 1) twice"
        )
        if cursor.fetchone()[0]:
            problems.append("a time rule fired twice for the same case and instant")
        cursor.execute(
            """SELECT c.id FROM crm_case c
                WHERE c.state IN ('draft', 'open', 'pending') AND NOT EXISTS (
                      SELECT 1 FROM crm_case_rule_log log
                       WHERE log.case_id = c.id AND log.rule_id = ANY(%s)
                         AND log.state = 'done')""",
            [self.ids["time_rules"]],
        )
        unfired = cursor.fetchall()
        if unfired:
            problems.append(f"{len(unfired)} due cases never reminded: {unfired[:5]}")
        cursor.execute(
            """SELECT count(*) FROM (
                   SELECT msg.res_id FROM mail_mail mail
                     JOIN mail_message msg ON msg.id = mail.mail_message_id
                    WHERE msg.model = 'crm.case' AND msg.subject LIKE 'Reminder: %%'
                 GROUP BY msg.res_id HAVING count(*) > 1) twice"""
        )
        if cursor.fetchone()[0]:
            problems.append("a case got its reminder twice")
        self.figures = {
            "mails": len(ids),
            "on cases": sum(on_cases.values()),
            "failed": sum(failed.values()),
        }
        cursor.execute("SELECT count(*) FROM crm_case_rule_log WHERE time_rule")
        self.figures["time rule firings"] = cursor.fetchone()[0]
        connection.close()
        errors = [error for error in self.errors]
        if errors:
            problems.append(f"{len(errors)} request errors: {errors[:3]}")
        with open(self.log_path, errors="replace") as handle:
            log = handle.read()
        conflicts, server_errors = self.server_errors(log)
        if server_errors:
            problems.append(
                f"{len(server_errors)} server errors: {server_errors[0][:600]}"
            )
        self.figures["conflicts logged"] = conflicts
        self.figures["retried conflicts (server)"] = log.count("tries left, try again")
        self.figures["retried conflicts (client)"] = self.retries
        return problems

    def server_errors(self, log):
        """Count the error records that only report a serialization conflict;
        return (that count, the other error records)."""
        starts = list(LOG_RECORD_RE.finditer(log))
        conflicts = 0
        others = []
        for index, start in enumerate(starts):
            if start.group(1) not in ("ERROR", "CRITICAL"):
                continue
            end = starts[index + 1].start() if index + 1 < len(starts) else len(log)
            record = log[start.start() : end]
            if any(marker in record for marker in CONFLICT_MARKERS):
                conflicts += 1
            else:
                others.append(record)
        return conflicts, others

    def report(self, elapsed):
        print(f"crm_case load: {self.options.clients} clients, {elapsed:.1f} s")
        print(
            f"{'operation':<12}{'count':>8}{'ops/s':>9}{'p50 ms':>9}"
            f"{'p95 ms':>9}{'p99 ms':>9}"
        )
        for operation, values in sorted(self.latencies.items()):
            values = sorted(values)

            def percentile(share, values=values):
                return values[min(len(values) - 1, int(share * len(values)))] * 1000

            print(
                f"{operation:<12}{len(values):>8}{len(values) / elapsed:>9.1f}"
                f"{percentile(0.5):>9.0f}{percentile(0.95):>9.0f}"
                f"{percentile(0.99):>9.0f}"
            )
        print(
            f"cases created {len(self.created)}, mails delivered {self.delivered}, "
            + ", ".join(f"{key} {value}" for key, value in self.figures.items())
            + f", mails sent to the sink {self.sink.received}"
        )

    def run(self):
        try:
            self.create_database()
            self.dovecot = Dovecot().start([MAILBOX])
            self.sink = SmtpSink()
            threading.Thread(target=self.sink.serve_forever, daemon=True).start()
            self.setup_data()
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
