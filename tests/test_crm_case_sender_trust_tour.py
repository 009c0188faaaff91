from odoo.tests import HttpCase, tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from . import auth_headers
from .gateway_common import MAIL_TEXT


@tagged("post_install", "-at_install", "case_gateway")
class TestCrmCaseSenderTrustTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        groups = "base.group_user,crm_case.group_crm_case_user"
        cls.user = mail_new_test_user(cls.env, login="tour_verdict_user", groups=groups)
        cls.section = cls.env["crm.case.section"].create(
            {"name": "Tour Verdicts", "gateway_sender_policy": "flag"}
        )
        cls.env["ir.config_parameter"].set_param(
            "crm_case.mail_trusted_authserv_id", auth_headers.GMAIL_ID
        )
        intake = cls.env["crm.case.mail.intake"].with_user(cls.user)
        cls.results = {}
        for subject, headers in (
            ("Proven printer issue", auth_headers.gmail("tour.example.org")),
            (
                "Unproven refund request",
                auth_headers.gmail("tour.example.org", dmarc="fail", dkim="none"),
            ),
        ):
            raw = MAIL_TEXT.format(
                email_from="Tina <tina@tour.example.org>",
                to="nobody@elsewhere.example.org",
                cc="",
                subject=subject,
                msg_id=f"<{subject.replace(' ', '-')}@tour.example.org>",
                extra=headers,
                body="Hello",
            )
            cls.results[subject] = intake.process_mail(
                raw.encode(), section_id=cls.section.id
            )

    def test_history_shows_the_verdict(self):
        for subject, verdict in (
            ("Proven printer issue", "verified"),
            ("Unproven refund request", "unverified"),
        ):
            case = self.env["crm.case"].browse(self.results[subject]["res_id"])
            mail = case.message_ids.filtered(lambda m: m.message_type == "email")
            self.assertEqual(mail.crm_case_sender_verdict, verdict)
        self.start_tour(
            "/odoo/action-crm_case.crm_case_action",
            "crm_case_sender_verdict_tour",
            login="tour_verdict_user",
        )
