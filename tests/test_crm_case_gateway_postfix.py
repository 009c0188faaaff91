from odoo.tests import tagged

from .mailgate_common import CrmCaseMailgateCommon
from .postfix import Forwarder, Postfix


@tagged("post_install", "-at_install", "case_gateway")
class TestCrmCaseGatewayPostfix(CrmCaseMailgateCommon):
    """Mails sent by SMTP to a real Postfix on loopback, which pipes the alias
    domain's mail into the mailgate with the README's configuration. Postfix
    reaches the test server through a forwarder that plays Odoo stopping."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.forwarder = Forwarder(cls.http_port()).start()
        cls.addClassCleanup(cls.forwarder.stop)
        cls.postfix = Postfix(
            domain=cls.alias_domain,
            odoo_url=f"http://127.0.0.1:{cls.forwarder.port}",
            database=cls.env.cr.dbname,
            login=cls.mailgate_user.login,
            password=cls.mailgate_password,
        )
        cls.addClassCleanup(cls.postfix.stop)
        cls.postfix.start()

    def _deliver(self, raw, recipient=None):
        """Send the mail to Postfix; return the mailgate's line once Postfix
        logged it delivered (the mailgate then exited: Odoo answered)."""
        queue_id = self.postfix.send(raw, [recipient or self.support_email])
        return self._wait_sent(queue_id)

    def _wait_sent(self, queue_id):
        line = self.postfix.wait_for(
            rf"{queue_id}: to=<[^>]+>, relay=crmcase, .*status=sent "
            r"\(delivered via crmcase service \((crm-case-mailgate: [^\n]*)\)\)$"
        )
        self.env.invalidate_all()
        return line

    def _cases(self, subject):
        return self.env["crm.case"].search([("name", "=", subject)])

    def test_new_case_reply_and_duplicate(self):
        msg_id = self._new_msg_id()
        first = self._mail(subject="Postfix new case", msg_id=msg_id)
        line = self._deliver(first)
        case = self._cases("Postfix new case")
        self.assertEqual(len(case), 1)
        self.assertIn(f"crm-case-mailgate: case {case.id} created", line)
        self.assertEqual(case.section_id, self.section_level1)

        # A reply threaded by In-Reply-To only: no case tag in its subject.
        reply = self._mail(
            subject="Re: Postfix new case",
            body="It prints blank pages again.",
            extra=self._extra(in_reply_to=msg_id, references=msg_id),
        )
        line = self._deliver(reply)
        self.assertIn(f"crm-case-mailgate: case {case.id} updated", line)
        self.assertIn(
            "It prints blank pages again.", "".join(case.message_ids.mapped("body"))
        )

        # The same mail delivered again is recorded once.
        line = self._deliver(first)
        self.assertIn("already recorded", line)
        self.assertEqual(len(self._cases("Postfix new case")), 1)
        self.assertEqual(
            self.env["mail.message"].search_count([("message_id", "=", msg_id)]), 1
        )

    def test_blind_copy_finds_its_section(self):
        # The section address is only the envelope's recipient: Postfix's
        # Delivered-To header (flag D of the pipe) tells Odoo where it went.
        raw = self._mail(to="team@customer.example.com", subject="Postfix Bcc")
        line = self._deliver(raw, self.sales_email)
        case = self._cases("Postfix Bcc")
        self.assertIn(f"crm-case-mailgate: case {case.id} created", line)
        self.assertEqual(case.section_id, self.section_sales)

    def test_mail_reaching_no_section_is_kept_and_delivered(self):
        # The alias domain's mail all goes to the pipe, this address included.
        lost = f"lost@{self.alias_domain}"
        line = self._deliver(self._mail(to=lost, subject="Postfix lost"), lost)
        failure = self.env["crm.case.mail.failure"].search(
            [("name", "=", "Postfix lost")]
        )
        self.assertEqual(len(failure), 1)
        self.assertIn(f"kept in Failed Incoming Mails (#{failure.id})", line)
        self.assertTrue(failure.raw_message)
        self.assertFalse(self._cases("Postfix lost"))

    def test_odoo_stopped_then_back(self):
        self.forwarder.stop()
        try:
            queue_id = self.postfix.send(
                self._mail(subject="Postfix while stopped"), [self.support_email]
            )
            self.postfix.wait_for(
                rf"{queue_id}: to=<[^>]+>, relay=crmcase, .*status=deferred "
                r".*crm-case-mailgate: deferred, Odoo unreachable at "
            )
            self.assertEqual(self.postfix.queued(), [queue_id])
            self.assertFalse(self._cases("Postfix while stopped"))
        finally:
            self.forwarder.start()
        self.postfix.flush()
        line = self._wait_sent(queue_id)
        case = self._cases("Postfix while stopped")
        self.assertEqual(len(case), 1)
        self.assertIn(f"case {case.id} created", line)
        self.assertEqual(self.postfix.queued(), [])
