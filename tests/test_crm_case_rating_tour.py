from odoo.tests import HttpCase, tagged

from .screenshot_common import ScreenshotTourMixin


@tagged("post_install", "-at_install", "case_rating")
class TestCrmCaseRatingTour(ScreenshotTourMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        section = cls.env["crm.case.section"].create(
            {"name": "Tour Helpdesk", "rating_on_close": True}
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Tina Tour", "email": "tina@tour.example.com"}
        )
        cls.case = cls.env["crm.case"].create(
            {
                "name": "Tour scanner jams",
                "section_id": section.id,
                "partner_id": cls.customer.id,
            }
        )
        cls.case.action_open()
        cls.case.action_close()
        cls.env["crm.case.rule"].create(
            {
                "name": "Reopen on a bad rating",
                "trg_state_to": "rated",
                "trg_rating_max": 1,
                "act_state": "open",
            }
        )

    def test_customer_rates_on_the_public_page(self):
        rating = self.case.rating_ids
        self.assertEqual(len(rating), 1, "closing asked for a rating")
        shots, patcher = self._capture_screenshots()
        with patcher:
            # Not logged in, as the customer who clicks the mail's link.
            self.start_tour(f"/rate/{rating.access_token}/1", "crm_case_rating_tour")
        self._check_screenshots(shots, ["case_rating"])
        self.assertTrue(rating.consumed)
        self.assertEqual(rating.rating, 1)
        self.assertEqual(
            rating.feedback,
            "Friendly technician, but the scanner was down for a week.",
        )
        self.assertEqual(rating.message_id.author_id, self.customer)
        self.assertIn("down for a week", rating.message_id.body)
        self.assertEqual(self.case.state, "open", "the rule reopened the case")
