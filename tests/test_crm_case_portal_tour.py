from odoo.tests import HttpCase, tagged

from odoo.addons.mail.tests.common import mail_new_test_user


@tagged("post_install", "-at_install", "case_portal")
class TestCrmCasePortalTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.section = cls.env["crm.case.section"].create(
            {"name": "Tour Helpdesk", "portal_available": True}
        )
        cls.categ = cls.env["crm.case.categ"].create(
            {"name": "Tour Fault", "section_id": cls.section.id}
        )
        cls.company = cls.env["res.partner"].create(
            {"name": "Tour Customer", "is_company": True}
        )
        cls.portal_user = mail_new_test_user(
            cls.env,
            login="portal_tina",
            name="Portal Tina",
            email="tina@tour.example.com",
            groups="base.group_portal",
        )
        cls.portal_user.partner_id.parent_id = cls.company

    def test_portal_request_and_reply(self):
        self.start_tour("/my", "crm_case_portal_tour", login="portal_tina")
        case = self.env["crm.case"].search([("name", "=", "Tour scanner is dead")])
        self.assertEqual(len(case), 1)
        self.assertEqual(case.section_id, self.section)
        self.assertEqual(case.categ_id, self.categ)
        self.assertEqual(case.partner_id, self.company)
        self.assertEqual(case.partner_address_id, self.portal_user.partner_id)
        reply = case.message_ids.filtered(lambda m: "Any news" in (m.body or ""))
        self.assertEqual(len(reply), 1)
        self.assertEqual(reply.author_id, self.portal_user.partner_id)
        self.assertEqual(reply.message_type, "comment")
        # The answer went through the reply path: the draft case is open now.
        self.assertEqual(case.state, "open")
        self.assertTrue(case.date_open)
        self.assertFalse(case.user_id, "the customer's answer assigns nobody")
