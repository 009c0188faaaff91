from odoo.tests import HttpCase, tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from ..utils.mail_source import MailSource

RAW = b"""From: Carla <carla@tour.example.org>
To: nobody@elsewhere.example.org
Subject: Tour lost mail
Message-ID: <crm-case-tour-lost@tour.example.org>

Please call me back.
"""


@tagged("post_install", "-at_install", "case_gateway")
class TestCrmCaseGatewayTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = mail_new_test_user(
            cls.env,
            login="tour_case_manager",
            name="Tour Case Manager",
            email="tour.case.manager@example.com",
            groups="base.group_user,crm_case.group_crm_case_manager",
        )
        cls.user = mail_new_test_user(
            cls.env,
            login="tour_case_user",
            name="Tour Case User",
            groups="base.group_user,crm_case.group_crm_case_user",
        )
        cls.server = cls.env["fetchmail.server"].create(
            {
                "name": "Tour Server",
                "server_type": "imap",
                "server": "localhost",
                "object_id": cls.env["ir.model"]._get_id("crm.case"),
            }
        )
        cls.failure = cls.env["crm.case.mail.failure"]._record_failure(
            RAW, ValueError("no section"), MailSource.from_server(cls.server)
        )
        # Fixed since: the server now has a section.
        cls.section = cls.env["crm.case.section"].create({"name": "Tour Support"})
        cls.server.crm_case_section_id = cls.section

    def test_menu_for_managers_only(self):
        menu = self.env.ref("crm_case.crm_case_mail_failure_menu")
        Menu = self.env["ir.ui.menu"]
        self.assertIn(menu.id, Menu.with_user(self.manager)._visible_menu_ids())
        self.assertNotIn(menu.id, Menu.with_user(self.user)._visible_menu_ids())

    def test_manager_retries_failed_mail(self):
        self.start_tour(
            "/odoo/action-crm_case.crm_case_mail_failure_action",
            "crm_case_gateway_tour",
            login="tour_case_manager",
        )
        self.assertEqual(self.failure.state, "done")
        self.assertEqual(self.failure.attempts, 2)
        case = self.env["crm.case"].search([("name", "=", "Tour lost mail")])
        self.assertEqual(case.section_id, self.section)
