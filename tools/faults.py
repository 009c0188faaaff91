"""Fault checks run by ``make test``: the rule checker and the mail fetch are
stopped by SIGKILL halfway, or lose their PostgreSQL connection, and are run
again; no reminder and no mail may be lost or doubled. Then the load bench
(``python3 -m bench.load``) runs in its short mode.

Each run is its own ``odoo shell`` process on a database of this check, as an
administrator's cron worker would be. Each check yields ``(name, error)``;
``error`` is None when the check passed. ``python3 -m tools.faults`` prints
the verdicts (``--keep`` leaves the database for a look).

The scripts the runs are fed are in ``fault_scripts.py``, the plumbing that
starts, stops, kills and cuts off the processes in ``fault_processes.py``.
"""

import json
import os
import signal
import subprocess
import sys
import time
from hashlib import sha256

from . import odoo_setup
from .fault_processes import FaultProcesses
from .fault_scripts import (
    ATTEMPTS_QUERY,
    BATCH_SIZE,
    CASES,
    MAIL_STATE_SCRIPT,
    MAILBOX,
    MAILS,
    PAUSE_SCRIPT_FULL,
    POISON_ATTEMPTS,
    POISON_ID,
    POISON_RESET_SCRIPT,
    POISON_SETUP_SCRIPT,
    RULE_STATE_SCRIPT,
    RUN_CHECKER,
    RUN_FETCH,
    RUN_TIMEOUT,
    SETUP_SCRIPT,
    SWITCH_RULES_SCRIPT,
)

Dovecot = odoo_setup.load_test_helper("dovecot").Dovecot
html_parts = odoo_setup.load_test_helper("poison_mail").html_parts


class FaultChecks(FaultProcesses):
    def __init__(self, addons_dir):
        super().__init__(addons_dir)
        self.clean_database = f"crm_case_clean_{os.getpid()}"
        self.dovecot = None
        self.ids = {}
        self.mail_ids = []

    # ------------------------------------------------------------
    # Setup
    # ------------------------------------------------------------

    def setup(self):
        odoo_setup.create_database(
            self.database, self.addons_dir, [odoo_setup.ADDON_NAME], log=self.log
        )
        # A clean copy for the load bench, which starts from a fresh install.
        odoo_setup.create_empty_database(self.clean_database, self.database)
        self.dovecot = Dovecot().start([MAILBOX])
        output = self.shell(
            SETUP_SCRIPT
            % {
                "batch": BATCH_SIZE,
                "cases": CASES,
                "port": self.dovecot.port_imap,
                "login": MAILBOX,
                "password": Dovecot.password,
            }
        )
        self.ids = self.marked(output, "SETUP")
        self.deliver_mails()

    def deliver_mails(self):
        mails = []
        for index in range(MAILS):
            message_id = f"<fault-{index}@faults.example.com>"
            mails.append(
                (
                    f"From: Customer {index} <customer{index}@faults.example.com>\n"
                    f"Subject: Fault mail {index}\nMessage-Id: {message_id}\n\n"
                    f"Mail number {index}.\n"
                ).encode()
            )
            self.mail_ids.append(message_id)
        # No Message-Id: the gateway gives it a stable one.
        mails.append(b"From: <anonymous@faults.example.com>\nSubject: No id\n\nHi\n")
        # A robot: its fourth mail is set aside as a loop, a failure recorded
        # once even without Message-Id.
        for index in range(4):
            message_id = f"Message-Id: <robot-{index}@faults.example.com>\n"
            mails.append(
                (
                    "From: <robot@faults.example.com>\n"
                    f"{message_id if index < 3 else ''}Subject: Robot {index}\n\nx\n"
                ).encode()
            )
            if index < 3:
                self.mail_ids.append(f"<robot-{index}@faults.example.com>")
        self.dovecot.deliver(MAILBOX, *mails)
        # The ids the gateway gives the others: the hash of the mail as fetched.
        connection = self.dovecot.imap(MAILBOX)
        try:
            connection.select("INBOX", readonly=True)
            for number in (MAILS + 1, MAILS + 5):
                __, parts = connection.fetch(str(number), "(BODY.PEEK[])")
                digest = sha256(parts[0][1]).hexdigest()[:40]
                self.mail_ids.append(f"<{digest}.no-message-id@crm-case.invalid>")
        finally:
            connection.logout()

    # ------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------

    def rerun(self, state_script, run):
        """Read the state a stopped run left, run again to the end, read the
        state again: return (before, after)."""
        output = self.shell(
            state_script % {"marker": "BEFORE"}
            + PAUSE_SCRIPT_FULL % run
            + state_script % {"marker": "AFTER"}
        )
        return self.marked(output, "BEFORE"), self.marked(output, "AFTER")

    def rule_state_script(self, key):
        return RULE_STATE_SCRIPT.replace(
            "%(rule)d", str(self.ids[key]["rule"])
        ).replace("%(section)d", str(self.ids[key]["section"]))

    def rule_problems(self, state, expected_done):
        problems = []
        if len(state["done"]) != expected_done:
            problems.append(f"{len(state['done'])} firings done, {expected_done} due")
        if state["logs_per_case"] > 1:
            problems.append("a case has two firings of the same instant")
        counts = state["mails_per_case"]
        done = {str(case_id) for case_id in state["done"]}
        wrong = [
            case_id
            for case_id, count in counts.items()
            if count != (1 if case_id in done else 0)
        ]
        if wrong:
            problems.append(f"{len(wrong)} cases with a wrong number of reminders")
        return problems

    def rerun_mails(self, message_ids, run):
        """rerun() with the state of the mails ``message_ids``."""
        return self.rerun(
            MAIL_STATE_SCRIPT.replace("%(ids)r", repr(json.dumps(message_ids))), run
        )

    def mail_problems(self, after):
        problems = []
        wrong = {key: counts for key, counts in after.items() if sum(counts) != 1}
        if wrong:
            problems.append(f"mails not recorded exactly once: {wrong}")
        if any("\\Seen" not in flags for flags in self.dovecot.flags(MAILBOX)):
            problems.append("mails left unseen")
        return problems

    def check_rule_checker_killed_halfway(self):
        process, __, __ = self.start_paused(
            "crm.case.rule", "_fire_batch", 3, RUN_CHECKER
        )
        self.kill(process)
        # Two batches were committed; the third one died with the process.
        before, after = self.rerun(self.rule_state_script("kill"), RUN_CHECKER)
        problems = self.rule_problems(before, 2 * BATCH_SIZE)
        problems += self.rule_problems(after, CASES)
        return "; ".join(problems) or None

    def check_rule_checker_loses_its_connection(self):
        process, flag, backend = self.start_paused(
            "crm.case.rule",
            "_fire_batch",
            2,
            RUN_CHECKER,
            prelude=SWITCH_RULES_SCRIPT % self.ids["pg"]["rule"],
        )
        output = self.drop_connection(process, flag, backend)
        if output is None:
            return "the run hung after losing its connection"
        problems = []
        if "RUN FAILED psycopg2." not in output or not process.returncode:
            problems.append(f"the run did not fail on its connection: {output[-300:]}")
        # The first batch was committed, the second one was lost with the
        # connection; the next run does the rest.
        before, after = self.rerun(self.rule_state_script("pg"), RUN_CHECKER)
        problems += self.rule_problems(before, BATCH_SIZE)
        problems += self.rule_problems(after, CASES)
        return "; ".join(problems) or None

    def check_fetch_killed_halfway(self):
        run = RUN_FETCH % self.ids["server"]
        # Killed after the 10th mail is committed, before it is marked seen.
        process, __, __ = self.start_paused(
            "fetchmail.server", "_crm_case_commit", 10, run
        )
        self.kill(process)
        problems = []
        seen = sum("\\Seen" in flags for flags in self.dovecot.flags(MAILBOX))
        if seen != 9:
            problems.append(f"the killed fetch marked {seen} mails seen, not 9")
        before, after = self.rerun_mails(self.mail_ids, run)
        recorded = sum(1 for counts in before.values() if sum(counts))
        if recorded != 10:
            problems.append(f"{recorded} mails recorded by the killed fetch, not 10")
        problems += self.mail_problems(after)
        return "; ".join(problems) or None

    def check_fetch_loses_its_connection(self):
        """New mails; the fetch loses its connection after storing five."""
        ids = [f"<fault-pg-{index}@faults.example.com>" for index in range(12)]
        self.dovecot.deliver(
            MAILBOX,
            *(
                f"From: <pg{index}@faults.example.com>\nMessage-Id: {message_id}\n"
                f"Subject: Connection {index}\n\nx\n".encode()
                for index, message_id in enumerate(ids)
            ),
        )
        run = RUN_FETCH % self.ids["server"]
        process, flag, backend = self.start_paused(
            "fetchmail.server", "_crm_case_commit", 5, run
        )
        output = self.drop_connection(process, flag, backend)
        if output is None:
            return "the fetch hung after losing its connection"
        problems = []
        if "RUN FAILED" not in output or not process.returncode:
            problems.append(f"the fetch did not fail: {output[-300:]}")
        before, after = self.rerun_mails(ids, run)
        recorded = sum(1 for counts in before.values() if sum(counts))
        if recorded != 5:
            problems.append(f"{recorded} mails recorded before the drop, not 5")
        problems += self.mail_problems(after)
        return "; ".join(problems) or None

    def check_poison_mail_killed_fetch(self):
        """A mail that keeps the parser busy for minutes, its time budget off,
        stops the fetch: the worker is killed each time, until the mail has
        been tried too often; then it is kept raw and the mails behind it
        become cases."""
        self.shell(POISON_SETUP_SCRIPT % {"attempts": POISON_ATTEMPTS})
        good_ids = [f"<after-poison-{index}@faults.example.com>" for index in (1, 2)]
        self.dovecot.deliver(
            MAILBOX,
            # LF line ends, as in the other mails here: a Maildir file holds
            # LF, and Dovecot serves each LF as CRLF.
            html_parts(2000, "poison@faults.example.com").replace(b"\r\n", b"\n"),
            *(
                f"From: <good@faults.example.com>\nMessage-Id: {message_id}\n"
                f"Subject: After the poison\n\nx\n".encode()
                for message_id in good_ids
            ),
        )
        run = RUN_FETCH % self.ids["server"]
        problems = []
        for attempt in range(1, POISON_ATTEMPTS + 1):
            counted = self.kill_fetch_once_counted(run, attempt)
            if counted != attempt:
                problems.append(f"kill {attempt}: {counted} attempts counted")
        before, after = self.rerun_mails([POISON_ID, *good_ids], run)
        if any(sum(counts) for counts in before.values()):
            problems.append(f"a killed fetch stored something: {before}")
        if after.get(POISON_ID) != [0, 1]:
            problems.append(f"the poison mail is not a failure: {after}")
        if any(after.get(message_id) != [1, 0] for message_id in good_ids):
            problems.append(f"the mails behind it are not cases: {after}")
        if not all("\\Seen" in flags for flags in self.dovecot.flags(MAILBOX)):
            problems.append("a mail was left unseen")
        self.shell(POISON_RESET_SCRIPT)
        return "; ".join(problems) or None

    def kill_fetch_once_counted(self, run, attempt):
        """Start a fetch, kill it once its attempt on the poison mail is
        counted; return the count."""
        process = self.start_shell(PAUSE_SCRIPT_FULL % run, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + RUN_TIMEOUT
        counted = 0
        while time.monotonic() < deadline and counted < attempt:
            time.sleep(0.5)
            rows = self.sql(ATTEMPTS_QUERY, (POISON_ID,), database=self.database)
            counted = rows[0][0] if rows else 0
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        return counted

    def check_load_short(self):
        """The load bench in its short mode, on a fresh install."""
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.load",
                *("--seconds", "5", "--clients", "3"),
                *("--template", self.clean_database),
            ],
            cwd=odoo_setup.REPO_ROOT,
            capture_output=True,
            text=True,
            check=False,
            timeout=RUN_TIMEOUT * 2,
        )
        self.log.write(result.stdout + result.stderr)
        print(result.stdout, end="")
        if result.returncode:
            return (result.stdout + result.stderr).strip()[-800:]
        return None

    def run(self):
        checks = [
            self.check_rule_checker_killed_halfway,
            self.check_rule_checker_loses_its_connection,
            self.check_fetch_killed_halfway,
            self.check_fetch_loses_its_connection,
            self.check_poison_mail_killed_fetch,
        ]
        try:
            try:
                self.setup()
            except Exception as exc:  # noqa: BLE001 - reported as a failure
                for check in checks:
                    yield check.__name__, f"setup failed: {type(exc).__name__}: {exc}"
                return
            for check in [*checks, self.check_load_short]:
                try:
                    error = check()
                except Exception as exc:  # noqa: BLE001 - reported as a failure
                    error = f"{type(exc).__name__}: {exc}"
                yield check.__name__, error
        finally:
            self.close()

    def close(self):
        super().close()
        if self.dovecot:
            self.dovecot.stop()
        odoo_setup.drop_database(self.clean_database)
        if "--keep" not in sys.argv:
            odoo_setup.drop_database(self.database)


def run_faults():
    keep = "--keep" in sys.argv
    with odoo_setup.private_addons("crm_case_faults_", keep=keep) as addons_dir:
        yield from FaultChecks(addons_dir).run()


if __name__ == "__main__":
    failed = 0
    for name, error in run_faults():
        print(f"{name}: {error or 'ok'}")
        failed += bool(error)
    sys.exit(1 if failed else 0)
