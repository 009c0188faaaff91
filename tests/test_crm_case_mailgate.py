import http.server
import socket
import tempfile
import threading

from odoo.tests import tagged

from .mailgate_common import (
    EX_DATAERR,
    EX_OK,
    EX_TEMPFAIL,
    EX_USAGE,
    CrmCaseMailgateCommon,
)
from .poison_mail import nested_enclosures


class BadGatewayHandler(http.server.BaseHTTPRequestHandler):
    """What a reverse proxy answers while Odoo behind it is down."""

    def do_POST(self):
        self.send_error(502, "Bad Gateway")

    def log_message(self, *args):
        return None


@tagged("post_install", "-at_install", "case_gateway")
class TestCrmCaseMailgate(CrmCaseMailgateCommon):
    """The mailgate script, run as a process against the test server: what it
    prints and the status it exits with, which tells the MTA what to do."""

    def _closed_url(self):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return f"http://127.0.0.1:{sock.getsockname()[1]}"

    def test_stored_mails_exit_0(self):
        msg_id = self._new_msg_id()
        raw = self._mail(subject="Mailgate new", msg_id=msg_id)
        status, line = self._mailgate(raw)
        case = self.env["crm.case"].search([("name", "=", "Mailgate new")])
        self.assertEqual(
            (status, line), (EX_OK, f"crm-case-mailgate: case {case.id} created")
        )
        self.assertEqual(case.section_id, self.section_level1)

        reply = self._mail(
            subject="Re: Mailgate new",
            body="Still broken.",
            extra=self._extra(in_reply_to=msg_id),
        )
        status, line = self._mailgate(reply)
        self.assertEqual(
            (status, line), (EX_OK, f"crm-case-mailgate: case {case.id} updated")
        )
        self.assertIn("Still broken.", "".join(case.message_ids.mapped("body")))

        status, line = self._mailgate(raw)
        self.assertEqual(status, EX_OK)
        self.assertIn("already recorded", line)
        self.assertEqual(
            self.env["mail.message"].search_count([("message_id", "=", msg_id)]), 1
        )

    def test_lasting_failure_is_kept_and_exits_0(self):
        raw = self._mail(to="nobody@elsewhere.example.org", subject="Mailgate lost")
        status, line = self._mailgate(raw)
        failure = self.env["crm.case.mail.failure"].search(
            [("name", "=", "Mailgate lost")]
        )
        self.assertEqual(len(failure), 1)
        self.assertEqual(status, EX_OK)
        self.assertRegex(
            line,
            rf"^crm-case-mailgate: kept in Failed Incoming Mails \(#{failure.id}\): .+",
        )
        self.assertFalse(self.env["crm.case"].search([("name", "=", "Mailgate lost")]))

    def test_poison_mail_is_kept_raw_and_the_next_mails_pass(self):
        """The shape that keeps parsers busy for minutes, piped: kept raw at
        once, and the mails behind it still become cases."""
        status, line = self._mailgate(nested_enclosures(3000, self.support_email))
        self.assertEqual(status, EX_OK)
        self.assertIn("kept in Failed Incoming Mails", line)
        failure = self.env["crm.case.mail.failure"].search(
            [("message_id", "=", "<torture-3000@example.org>")]
        )
        self.assertIn("kept unparsed", failure.error)
        status, line = self._mailgate(self._mail(subject="After the poison"))
        self.assertEqual(status, EX_OK)
        self.assertRegex(line, r"case \d+ created")

    def test_default_section_by_id_or_name(self):
        for label, section, expected in (
            ("by id", str(self.section_sales.id), self.section_sales),
            ("by name", "Sales Test", self.section_sales),
            ("by full name", "Level 2 / Level 1", self.section_level1),
        ):
            with self.subTest(label=label):
                subject = f"Mailgate default section {label}"
                raw = self._mail(to="nobody@elsewhere.example.org", subject=subject)
                status, line = self._mailgate(raw, "--section", section)
                self.assertEqual(status, EX_OK, line)
                case = self.env["crm.case"].search([("name", "=", subject)])
                self.assertEqual(case.section_id, expected)

    def test_unknown_section_name_is_deferred(self):
        raw = self._mail(to="nobody@elsewhere.example.org", subject="No such section")
        status, line = self._mailgate(raw, "--section", "No Such Section")
        self.assertEqual(status, EX_TEMPFAIL)
        self.assertIn("no case section named 'No Such Section'", line)
        self.assertFalse(self.env["crm.case.mail.failure"].search([]))

    def test_refused_login_is_deferred(self):
        status, line = self._mailgate(self._mail(), password="wrong password")
        self.assertEqual(status, EX_TEMPFAIL)
        self.assertEqual(
            line,
            "crm-case-mailgate: deferred, Odoo refused the login 'mailgate' on "
            f"database {self.env.cr.dbname!r} (the MTA keeps the mail and retries)",
        )

    def test_error_answer_is_deferred(self):
        # A user outside the cases may log in, but Odoo refuses the call with
        # an XML-RPC fault: the mail waits at the MTA until that is fixed.
        self.mailgate_user.groups_id = self.env.ref("base.group_user")
        status, line = self._mailgate(self._mail(), "--section", "Sales Test")
        self.assertEqual(status, EX_TEMPFAIL)
        self.assertRegex(line, r"deferred, Odoo answered with an error: .+ \(the MTA")
        self.assertFalse(
            self.env["crm.case"].search([("name", "=", "Printer prints blank pages")])
        )

    def test_unreachable_odoo_is_deferred(self):
        url = self._closed_url()
        status, line = self._mailgate(self._mail(), url=url)
        self.assertEqual(status, EX_TEMPFAIL)
        self.assertRegex(
            line,
            rf"^crm-case-mailgate: deferred, Odoo unreachable at {url}: .*refused.*"
            r" \(the MTA keeps the mail and retries\)$",
        )

    def test_silent_odoo_is_deferred_after_the_timeout(self):
        with socket.socket() as silent:
            silent.bind(("127.0.0.1", 0))
            silent.listen(1)
            url = f"http://127.0.0.1:{silent.getsockname()[1]}"
            status, line = self._mailgate(self._mail(), "--timeout", "1", url=url)
        self.assertEqual(status, EX_TEMPFAIL)
        self.assertIn(f"deferred, no answer from Odoo at {url} within 1 s", line)

    def test_http_error_is_deferred(self):
        proxy = http.server.HTTPServer(("127.0.0.1", 0), BadGatewayHandler)
        thread = threading.Thread(target=proxy.serve_forever, daemon=True)
        thread.start()
        try:
            url = f"http://127.0.0.1:{proxy.server_address[1]}"
            status, line = self._mailgate(self._mail(), url=url)
        finally:
            proxy.shutdown()
            proxy.server_close()
        self.assertEqual(status, EX_TEMPFAIL)
        self.assertIn(f"deferred, Odoo at {url} answered HTTP 502", line)

    def test_usage_errors(self):
        cases = {
            "no database": (["--database", " "], "--database is empty"),
            "bad url": (
                ["--url", "ftp://odoo.example.com"],
                "--url must be an http(s) URL",
            ),
            "bad timeout": (["--timeout", "soon"], "not a positive number of seconds"),
            "two passwords": (
                ["--password", "a", "--password-file", "b"],
                "not allowed with argument",
            ),
        }
        for label, (args, message) in cases.items():
            with self.subTest(label=label):
                status, line = self._mailgate(self._mail(), *args)
                self.assertEqual(status, EX_USAGE)
                self.assertIn(message, line)

    def test_no_password(self):
        status, line = self._mailgate(self._mail(), password="")
        self.assertEqual(status, EX_USAGE)
        self.assertIn("no password", line)

    def test_password_file(self):
        with tempfile.NamedTemporaryFile("w", suffix=".secret") as secret:
            secret.write(f"{self.mailgate_password}\n")
            secret.flush()
            status, line = self._mailgate(
                self._mail(subject="Password file"),
                "--password-file",
                secret.name,
                password="",
            )
        self.assertEqual(status, EX_OK, line)
        self.assertTrue(self.env["crm.case"].search([("name", "=", "Password file")]))

    def test_api_key(self):
        # The key of a user is his password for XML-RPC; sudo() for a key
        # that never expires, as an administrator would set up the mailgate.
        key = (
            self.env["res.users.apikeys"]
            .with_user(self.mailgate_user)
            .sudo()
            ._generate(None, "crm-case-mailgate", False)
        )
        status, line = self._mailgate(self._mail(subject="Api key"), password=key)
        self.assertEqual(status, EX_OK, line)
        self.assertTrue(self.env["crm.case"].search([("name", "=", "Api key")]))

    def test_empty_mail(self):
        status, line = self._mailgate(b"\n")
        self.assertEqual(status, EX_DATAERR)
        self.assertEqual(line, "crm-case-mailgate: the mail on standard input is empty")
