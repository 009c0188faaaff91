"""The checks of bench/load once the load has run: nothing lost or doubled
(cases, mails, rule firings, reminders), no request nor server error beyond
retried serialization conflicts; then the report of the run."""

import re
from hashlib import sha256

from .data import MAILBOX

# The start of each record of the server log, with its level.
LOG_RECORD_RE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (\w+) ", re.M)
# What an error record says when it only reports a serialization conflict
# (Odoo logs the failed query, then retries the request).
CONFLICT_MARKERS = ("could not serialize access", "SerializationFailure")


class LoadChecks:
    """Mixed into the bench: reads what its run left (``database``,
    ``dovecot``, ``ids``, ``created``, ``errors``, ``retries``, ``log_path``,
    ``latencies``, ``delivered``, ``sink``, ``options``) and keeps the counts
    it finds in ``figures`` for the report."""

    def verify(self):
        """Return the problems found, in the order of the checks."""
        import psycopg2

        self.figures = {}
        connection = psycopg2.connect(dbname=self.database)
        cursor = connection.cursor()
        problems = self.check_cases(cursor)
        problems += self.check_mails(cursor)
        problems += self.check_rules(cursor)
        connection.close()
        problems += self.check_requests()
        problems += self.check_server_log()
        return problems

    def check_cases(self, cursor):
        """Each case a client created is stored once, and only those."""
        cursor.execute(
            "SELECT name, count(*), min(id) FROM crm_case"
            " WHERE name LIKE 'load c%%' GROUP BY name"
        )
        stored = {name: (count, case_id) for name, count, case_id in cursor.fetchall()}
        missing = [name for name in self.created if name not in stored]
        doubled = [name for name, (count, __) in stored.items() if count > 1]
        unknown = [name for name in stored if name not in self.created]
        if missing or doubled or unknown:
            return [
                f"cases: {len(missing)} missing, {len(doubled)} doubled, "
                f"{len(unknown)} not reported to their client"
            ]
        return []

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

    def check_mails(self, cursor):
        """Each mail of the mailbox is on a case or recorded as failed, once."""
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
        self.figures.update(
            {
                "mails": len(ids),
                "on cases": sum(on_cases.values()),
                "failed": sum(failed.values()),
            }
        )
        wrong = [
            message_id
            for message_id in ids
            if on_cases.get(message_id, 0) + failed.get(message_id, 0) != 1
        ]
        if wrong:
            return [f"{len(wrong)} mails not recorded exactly once: {wrong[:5]}"]
        return []

    def check_rules(self, cursor):
        """A time rule fires once per case and instant, on every due case, and
        each case gets its reminder once."""
        problems = []
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
        cursor.execute("SELECT count(*) FROM crm_case_rule_log WHERE time_rule")
        self.figures["time rule firings"] = cursor.fetchone()[0]
        return problems

    def check_requests(self):
        """No request of the clients ended with an error, retries aside."""
        errors = list(self.errors)
        if errors:
            return [f"{len(errors)} request errors: {errors[:3]}"]
        return []

    def check_server_log(self):
        """The server logged no error but serialization conflicts; count
        those and the retries."""
        problems = []
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
