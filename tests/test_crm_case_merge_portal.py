from odoo.tests import tagged

from .portal_common import CrmCasePortalCommon


@tagged("post_install", "-at_install", "crm_case_portal", "case_merge")
class TestCrmCaseMergePortal(CrmCasePortalCommon):
    def setUp(self):
        super().setUp()
        self.duplicate = self.env["crm.case"].create(
            {
                "name": "Printer jams again",
                "section_id": self.section_level1.id,
                "partner_id": self.customer_company.id,
                "user_id": self.case_user.id,
            }
        )

    def _merge(self, target, case):
        self.env["crm.case.merge.log"].with_user(self.case_user)._merge_cases(
            target, case
        )

    def test_link_to_merged_case_opens_target(self):
        self._merge(self.own_case, self.duplicate)
        self.authenticate("portal_carla", "portal_carla")
        response = self.url_open(f"/my/cases/{self.duplicate.id}")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.url.endswith(f"/my/cases/{self.own_case.id}"))
        self.assertIn("Printer jams", response.text)

    def test_merged_case_stays_when_target_is_out_of_reach(self):
        """Merged into another customer's case: the customer keeps the page
        of its own case, and learns nothing of the other."""
        self._merge(self.other_case, self.duplicate)
        self.authenticate("portal_carla", "portal_carla")
        response = self.url_open(f"/my/cases/{self.duplicate.id}")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.url.endswith(f"/my/cases/{self.duplicate.id}"))
        self.assertNotIn("Secret merger", response.text)

    def test_other_customer_is_not_led_to_target(self):
        self._merge(self.own_case, self.duplicate)
        self.authenticate("portal_oscar", "portal_oscar")
        response = self.url_open(f"/my/cases/{self.duplicate.id}")
        self.assertTrue(response.url.endswith("/my"))
        self.assertNotIn("Printer jams", response.text)
