from odoo.tests import tagged
from odoo.tools import mute_logger

from . import auth_headers
from .gateway_common import CrmCaseDovecotCommon


@tagged("post_install", "-at_install", "case_gateway")
class TestCrmCaseSenderTrustDovecot(CrmCaseDovecotCommon):
    """A forged reply fetched from a real Dovecot mailbox never moves a case;
    the same reply proven by the trusted server does."""

    mailboxes = ("trustimap", "trustpop")
    server_name = "Trusted Cases"

    @classmethod
    def _server_values(cls):
        return dict(
            super()._server_values(),
            crm_case_trusted_authserv_id=auth_headers.POSTFIX_ID,
        )

    def setUp(self):
        super().setUp()
        self.dovecot.empty("trustimap")
        self.dovecot.empty("trustpop")
        self.section_level1.gateway_sender_policy = False  # Flag: a server is trusted

    def _reply_of_responsible(self, case, headers):
        return self._mail(
            email_from=f"Senior User <{self.senior_user.email}>",
            subject=f"Re: [{case.id}] {case.name}",
            body="Done, closing.",
            extra=headers,
        )

    def _open_case(self):
        case = self._create_case(
            partner_id=self.customer_company.id, user_id=self.senior_user.id
        )
        case.action_open()
        return case

    @mute_logger("odoo.addons.crm_case.models.fetchmail_server")
    def test_forged_reply_does_not_change_the_case(self):
        domain = self.senior_user.email.split("@")[1]
        for server, login in (
            (self.imap_server, "trustimap"),
            (self.pop_server, "trustpop"),
        ):
            with self.subTest(server=server.name):
                case = self._open_case()
                # The forger writes the trusted server's verdict itself, but the
                # header on top is the one of its own relay.
                forged = auth_headers.forged(domain, "relay.attacker.example.net")
                forged += auth_headers.postfix(domain)
                self.dovecot.deliver(login, self._reply_of_responsible(case, forged))
                server.fetch_mail()
                self.assertEqual(case.state, "open")
                new_case = self.env["crm.case"].search(
                    [("name", "=", f"Re: [{case.id}] {case.name}")]
                )
                self.assertEqual(len(new_case), 1, "kept apart, as a new case")
                email = new_case.message_ids.filtered(
                    lambda m: m.message_type == "email"
                )
                self.assertEqual(email.crm_case_sender_verdict, "none")

                proven = auth_headers.postfix(domain)
                self.dovecot.deliver(login, self._reply_of_responsible(case, proven))
                server.fetch_mail()
                self.assertEqual(case.state, "done")
                self.assertEqual(
                    case.message_ids.filtered(
                        lambda m: m.message_type == "email"
                    ).crm_case_sender_verdict,
                    "verified",
                )
