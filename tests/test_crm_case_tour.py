from odoo.tests import HttpCase, tagged

from odoo.addons.mail.tests.common import mail_new_test_user


@tagged("post_install", "-at_install", "crm_case")
class TestCrmCaseTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent = mail_new_test_user(
            cls.env,
            login="tour_agent",
            name="Tour Agent",
            email="tour.agent@example.com",
            groups="base.group_user,crm_case.group_crm_case_user",
        )
        cls.level2_manager = mail_new_test_user(
            cls.env,
            login="tour_level2",
            name="Tour Level 2 Manager",
            groups="base.group_user,crm_case.group_crm_case_user",
        )
        cls.level2 = cls.env["crm.case.section"].create(
            {"name": "Tour Level 2", "user_id": cls.level2_manager.id}
        )
        cls.level1 = cls.env["crm.case.section"].create(
            {"name": "Tour Level 1", "parent_id": cls.level2.id}
        )

    def test_case_life_from_the_menu(self):
        self.start_tour("/odoo", "crm_case_tour", login="tour_agent")
        case = self.env["crm.case"].search([("name", "=", "Tour printer case")])
        self.assertEqual(len(case), 1)
        self.assertEqual(case.state, "done")
        self.assertEqual(case.section_id, self.level2)
        self.assertEqual(case.user_id, self.level2_manager)
        self.assertTrue(case.date_closed)
        self.assertTrue(
            case.message_ids.filtered(lambda m: "Called the customer" in m.body)
        )
