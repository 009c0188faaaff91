from odoo.tests import HttpCase, tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .screenshot_common import ScreenshotTourMixin


@tagged("post_install", "-at_install", "case_canned_reply")
class TestCrmCaseCannedReplyTour(ScreenshotTourMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent = mail_new_test_user(
            cls.env,
            login="tour_canned_agent",
            name="Tour Agent",
            email="tour.agent@example.com",
            groups="base.group_user,crm_case.group_crm_case_user",
        )
        Section = cls.env["crm.case.section"]
        cls.section = Section.create({"name": "Tour Helpdesk"})
        sales = Section.create({"name": "Tour Sales"})
        customer = cls.env["res.partner"].create(
            {"name": "Tina Tour", "email": "tina@tour.example.com"}
        )
        cls.case = cls.env["crm.case"].create(
            {
                "name": "Tour scanner jams",
                "section_id": cls.section.id,
                "partner_id": customer.id,
                "user_id": cls.agent.id,
            }
        )
        model = cls.env["ir.model"]._get_id("crm.case")
        Template = cls.env["mail.template"]
        Template.create(
            {
                "name": "Tour we are on it",
                "model_id": model,
                "crm_case_canned_reply": True,
                "crm_case_section_ids": [(6, 0, cls.section.ids)],
                "body_html": '<p>Hello <t t-out="object.partner_id.name"/>, your '
                'request <t t-out="object.name"/> is handled by '
                '<t t-out="object.section_id.name"/>.</p>',
            }
        )
        Template.create(
            {
                "name": "Tour sales pitch",
                "model_id": model,
                "crm_case_canned_reply": True,
                "crm_case_section_ids": [(6, 0, sales.ids)],
                "body_html": "<p>Buy more.</p>",
            }
        )

    def test_canned_reply_from_the_history_tab(self):
        shots, patcher = self._capture_screenshots()
        with patcher:
            self.start_tour(
                f"/odoo/action-crm_case.crm_case_action/{self.case.id}",
                "crm_case_canned_reply_tour",
                login="tour_canned_agent",
            )
        self._check_screenshots(shots, ["canned_reply"])
        message = self.case.message_ids.filtered(
            lambda m: "We call you tomorrow" in m.body
        )
        self.assertEqual(len(message), 1)
        self.assertIn("your request Tour scanner jams", message.body)
        self.assertEqual(message.partner_ids, self.case.partner_id)
        self.assertFalse(message.subtype_id.internal)
        self.assertFalse(self.case.action_text)
        from_composer = self.case.message_ids.filtered(
            lambda m: "is handled by Tour Helpdesk" in m.body
            and "We call you tomorrow" not in m.body
        )
        self.assertEqual(len(from_composer), 1)
        self.assertEqual(from_composer.author_id, self.agent.partner_id)
