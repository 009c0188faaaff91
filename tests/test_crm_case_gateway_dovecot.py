from unittest.mock import patch

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .gateway_common import CrmCaseDovecotCommon


@tagged("post_install", "-at_install", "case_gateway")
class TestCrmCaseGatewayDovecot(CrmCaseDovecotCommon):
    """Mails delivered into a real Dovecot mailbox, fetched by Odoo's incoming
    mail servers over IMAP and POP3 on loopback."""

    mailboxes = ("imapbox", "popbox")

    def setUp(self):
        super().setUp()
        self.dovecot.empty("imapbox")
        self.dovecot.empty("popbox")

    def _mailbox(self):
        """A new case, a reply by subject tag, a copy of the new case's mail,
        and a mail that reaches no section."""
        case = self._create_case(partner_id=self.customer_company.id)
        first_id = self._new_msg_id()
        first = self._mail(subject="Scanner jammed", msg_id=first_id)
        reply = self._mail(
            subject=f"Re: [{case.id}] {case.name}",
            body="Any news?",
            email_from="carla@customer.example.com",
        )
        lost_id = self._new_msg_id()
        lost = self._mail(
            to="nobody@elsewhere.example.org", subject="Lost mail", msg_id=lost_id
        )
        return case, [first, reply, first, lost], first_id, lost_id

    def _assert_processed(self, case, first_id):
        cases = self.env["crm.case"].search([("name", "=", "Scanner jammed")])
        self.assertEqual(len(cases), 1, "the copy of a mail is recorded once")
        self.assertEqual(cases.section_id, self.section_level1)
        self.assertEqual(
            self.env["mail.message"].search_count([("message_id", "=", first_id)]), 1
        )
        self.assertIn("Any news?", "".join(case.message_ids.mapped("body")))
        failure = self.env["crm.case.mail.failure"].search([("name", "=", "Lost mail")])
        self.assertEqual(len(failure), 1)
        self.assertIn("reached no section", failure.error)
        return cases, failure

    @mute_logger("odoo.addons.crm_case.models.fetchmail_server")
    def test_imap_fetch(self):
        case, mails, first_id, lost_id = self._mailbox()
        self.dovecot.deliver("imapbox", *mails)
        self.imap_server.fetch_mail()
        __, failure = self._assert_processed(case, first_id)
        self.assertEqual(failure.server_id, self.imap_server)
        flags = self.dovecot.flags("imapbox")
        self.assertEqual(len(flags), 4)
        self.assertTrue(all("\\Seen" in value for value in flags))
        # A second fetch finds nothing new: nothing is duplicated.
        messages = self.env["mail.message"].search_count([])
        self.imap_server.fetch_mail()
        self.assertEqual(self.env["mail.message"].search_count([]), messages)
        self._assert_processed(case, first_id)
        self.assertTrue(self.imap_server.date)

    @mute_logger("odoo.addons.crm_case.models.fetchmail_server")
    def test_imap_mail_stays_unseen_until_stored(self):
        """When the database refuses to store anything, the mail stays unseen."""
        self.dovecot.deliver("imapbox", self._mail(subject="Keep me unseen"))

        self.section_level1.alias_id.alias_name = False
        with (
            patch.object(
                self.registry["crm.case.mail.failure"],
                "_record_failure",
                side_effect=RuntimeError("database is gone"),
            ),
            self.assertRaisesRegex(ValidationError, "database is gone"),
        ):
            self.imap_server.fetch_mail()
        flags = self.dovecot.flags("imapbox")
        self.assertTrue(flags)
        self.assertTrue(all("\\Seen" not in value for value in flags))

    @mute_logger("odoo.addons.crm_case.models.fetchmail_server")
    def test_pop_fetch(self):
        case, mails, first_id, __ = self._mailbox()
        self.dovecot.deliver("popbox", *mails)
        self.pop_server.fetch_mail()
        __, failure = self._assert_processed(case, first_id)
        self.assertEqual(failure.server_id, self.pop_server)
        self.assertEqual(self.dovecot.count("popbox"), 0, "stored, then deleted")
        # The same mails delivered again (a second copy of the mailbox).
        self.dovecot.deliver("popbox", *mails)
        self.pop_server.fetch_mail()
        self._assert_processed(case, first_id)
        self.assertEqual(failure.attempts, 2)
        self.assertEqual(self.dovecot.count("popbox"), 0)
