from collections import defaultdict
from datetime import datetime

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import CrmCaseCommon
from .portal_common import CrmCasePortalCommon


class CrmCaseRatingCommon(CrmCaseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.section_level1.rating_on_close = True

    def _closed_case(self, **values):
        values.setdefault("partner_id", self.customer_company.id)
        values.setdefault("partner_address_id", self.customer_contact.id)
        case = self._create_case(**values)
        case.action_open()
        case.action_close()
        return case

    def _request(self, case):
        """The rating request waiting for the customer's answer."""
        return case.sudo().rating_ids.filtered(lambda rating: not rating.consumed)

    def _rate(self, case, score, feedback=None, token=None):
        """Rate as Odoo's public page does: with sudo, from the token."""
        token = token or case.sudo()._rating_get_access_token()
        return case.sudo().rating_apply(score, token=token, feedback=feedback)

    def _firings(self, rule):
        return self.env["crm.case.rule.log"].search_count([("rule_id", "=", rule.id)])


@tagged("crm_case", "case_rating")
class TestCrmCaseRating(CrmCaseRatingCommon):
    def test_close_sends_a_rating_request(self):
        with self.mock_mail_gateway():
            case = self._closed_case(name="Scanner dead")
        request = self._request(case)
        self.assertEqual(len(request), 1)
        self.assertEqual(request.partner_id, self.customer_contact)
        self.assertEqual(request.rated_partner_id, self.case_user.partner_id)
        message = case.message_ids.filtered(
            lambda m: f"/rate/{request.access_token}/1" in m.body
        )
        self.assertEqual(len(message), 1)
        self.assertEqual(message.partner_ids, self.customer_contact)
        mail = (
            self.env["mail.mail"].sudo().search([("mail_message_id", "=", message.id)])
        )
        self.assertEqual(mail.recipient_ids, self.customer_contact)
        self.assertEqual(mail.subject, f"[{case.id}] Scanner dead: how did we do?")
        for score in (5, 3, 1):
            self.assertIn(f"/rate/{request.access_token}/{score}", mail.body_html)

    def test_no_request_without_the_option_or_a_customer(self):
        self.section_level1.rating_on_close = False
        case = self._closed_case()
        self.assertFalse(case.sudo().rating_ids)
        self.section_level1.rating_on_close = True
        anonymous = self._create_case(email_from=False)
        anonymous.action_open()
        anonymous.action_close()
        self.assertEqual(anonymous.state, "done")
        self.assertFalse(anonymous.sudo().rating_ids)

    def test_batch_and_rule_closings_send_one_request_per_case(self):
        cases = self.env["crm.case"]
        for name in ("One", "Two", "Three"):
            cases |= self._create_case(
                name=name,
                partner_id=self.customer_company.id,
                partner_address_id=self.customer_contact.id,
            )
        cases.action_open()
        cases[:2].action_close()
        self.assertEqual(
            [len(self._request(case)) for case in cases], [1, 1, 0], "one per case"
        )
        # A rule that closes the case asks for the rating too.
        self.env["crm.case.rule"].create(
            {"name": "Close pending", "trg_state_to": "pending", "act_state": "done"}
        )
        cases[2].action_pending()
        self.assertEqual(cases[2].state, "done")
        self.assertEqual(len(self._request(cases[2])), 1)

    def test_rating_and_comment_land_in_the_history(self):
        case = self._closed_case()
        rating = self._rate(case, 1, feedback="Took three weeks.")
        self.assertTrue(rating.consumed)
        message = rating.message_id
        self.assertEqual(message.model, "crm.case")
        self.assertEqual(message.res_id, case.id)
        self.assertEqual(message.author_id, self.customer_contact)
        self.assertIn("Took three weeks.", message.body)
        self.assertFalse(message.subtype_id.internal, "the customer sees it too")
        self.assertEqual(case.rating_last_value, 1)
        self.assertEqual(case.rating_last_comment, "Took three weeks.")
        self.assertEqual(case.state, "done", "a rating is no reply reopening the case")
        # Reopened and closed again: a new request waits, the verdict stays.
        case.action_draft()
        case.action_open()
        case.action_close()
        self.assertEqual(len(self._request(case)), 1)
        case.invalidate_recordset()
        self.assertEqual(case.rating_last_value, 1)
        self.assertEqual(case.rating_last_comment, "Took three weeks.")

    def test_logged_in_customer_rating_does_not_reopen(self):
        portal = self.env["res.users"].create(
            {
                "name": "Portal Pat",
                "login": "portal_pat",
                "partner_id": self.customer_contact.id,
                "groups_id": [(6, 0, self.env.ref("base.group_portal").ids)],
            }
        )
        case = self._closed_case()
        token = case.sudo()._rating_get_access_token()
        # The rating controller runs as the customer, with sudo.
        case.with_user(portal).sudo().rating_apply(3, token=token, feedback="Fine")
        self.assertEqual(case.state, "done")
        self.assertEqual(case.rating_last_value, 3)

    def _rated_rule(self, **values):
        values = {
            "name": "Unhappy customer",
            "trg_state_to": "rated",
            "trg_rating_max": 1,
            "act_state": "open",
            "act_remind_user": True,
            **values,
        }
        return self.env["crm.case.rule"].create(values)

    def _reminders(self, case):
        return (
            self.env["mail.mail"]
            .sudo()
            .search(
                [
                    ("model", "=", "crm.case"),
                    ("res_id", "=", case.id),
                    ("subject", "like", "Reminder:"),
                ]
            )
        )

    def test_rated_rule_reopens_a_bad_rating_only(self):
        rule = self._rated_rule()
        unhappy = self._closed_case(name="Unhappy")
        happy = self._closed_case(name="Happy")
        self._rate(happy, 5)
        self.assertEqual(happy.state, "done")
        self.assertFalse(self._reminders(happy))
        rating = self._rate(unhappy, 1)
        self.assertEqual(unhappy.state, "open", "the rule reopened it")
        self.assertEqual(len(self._reminders(unhappy)), 1, "the responsible is told")
        self.assertEqual(self._firings(rule), 1)
        # The comment sent after the score, on the same page, fires nothing more.
        self._rate(unhappy, 1, feedback="Still broken", token=rating.access_token)
        self.assertEqual(self._firings(rule), 1)
        self.assertEqual(len(self._reminders(unhappy)), 1)
        # A changed score is a new verdict.
        self._rate(unhappy, 3, token=rating.access_token)
        self.assertEqual(self._firings(rule), 1, "3 is above the maximum")
        self._rate(unhappy, 1, token=rating.access_token)
        self.assertEqual(self._firings(rule), 2)

    def test_rated_rules_ignore_state_changes_and_vice_versa(self):
        rated = self._rated_rule(trg_rating_max=0, act_state=False)
        any_change = self.env["crm.case.rule"].create(
            {"name": "Any change", "act_priority": "1"}
        )
        case = self._closed_case()
        any_change_firings = self._firings(any_change)
        self.assertTrue(any_change_firings)
        self.assertEqual(self._firings(rated), 0, "closing is no rating")
        self._rate(case, 5)
        self.assertEqual(self._firings(rated), 1, "any score with no maximum")
        self.assertEqual(
            self._firings(any_change), any_change_firings, "a rating is no change"
        )

    def test_rated_rule_checks(self):
        with self.assertRaisesRegex(ValidationError, "between 0 and 5"):
            self._rated_rule(trg_rating_max=6)
        with self.assertRaisesRegex(ValidationError, "trigger date"):
            self._rated_rule(trg_date_type="create", trg_date_range=1)

    def test_statistics_per_section_user_and_month(self):
        self.section_sales.rating_on_close = True
        plan = [
            # section, user, month, score (0: not rated)
            (self.section_level1, self.case_user, 1, 5),
            (self.section_level1, self.case_user, 1, 1),
            (self.section_level1, self.case_user, 1, 0),
            (self.section_level1, self.senior_user, 1, 3),
            (self.section_level1, self.case_user, 2, 1),
            (self.section_sales, self.senior_user, 2, 5),
            (self.section_sales, self.senior_user, 2, 3),
        ]
        cases = self.env["crm.case"]
        for section, user, month, score in plan:
            case = self._closed_case(
                section_id=section.id,
                user_id=user.id,
                date=datetime(2026, month, 10),
            )
            if score:
                self._rate(case, score)
            cases |= case
        expected = defaultdict(list)
        for case in cases:
            key = (case.section_id, case.user_id, case.date.month)
            expected[key].append(case.rating_last_value)
        self.env.flush_all()
        groups = self.env["crm.case.report"]._read_group(
            [("case_id", "in", cases.ids)],
            ["section_id", "user_id", "date:month"],
            ["rating_value:avg", "rated_count:sum", "rating_dissatisfied_count:sum"],
        )
        self.assertEqual(len(groups), len(expected))
        for section, user, month, average, rated, dissatisfied in groups:
            scores = [
                score for score in expected[(section, user, month.month)] if score
            ]
            self.assertEqual(rated, len(scores))
            self.assertEqual(dissatisfied, len([s for s in scores if s < 3]))
            if scores:
                self.assertAlmostEqual(average, sum(scores) / len(scores))
            else:
                self.assertFalse(average)
        # Level 1, case user, January: 5 and 1 rated, one case not rated.
        january = [g for g in groups if g[:2] == (self.section_level1, self.case_user)]
        self.assertIn((3.0, 2, 1), [tuple(g[3:]) for g in january])


@tagged("post_install", "-at_install", "case_rating")
class TestCrmCaseRatingPage(CrmCasePortalCommon):
    """The customer rates through Odoo's public rating pages."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.section_level1.rating_on_close = True
        cls.env["crm.case.rule"].create(
            {
                "name": "Reopen on a bad rating",
                "trg_state_to": "rated",
                "trg_rating_max": 1,
                "act_state": "open",
            }
        )

    def test_rate_then_comment_as_the_public_customer(self):
        case = self.own_case
        case.action_open()
        case.action_close()
        token = case.sudo().rating_ids.access_token
        response = self.url_open(f"/rate/{token}/1")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Send Feedback", response.text)
        rating = case.sudo().rating_ids
        self.assertTrue(rating.consumed)
        self.assertEqual(rating.rating, 1)
        self.assertEqual(case.state, "open", "the bad rating reopened the case")
        csrf = self._csrf_token(f"/rate/{token}/1")
        response = self.url_open(
            f"/rate/{token}/submit_feedback",
            data={"csrf_token": csrf, "rate": 1, "feedback": "Nobody called back."},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(rating.feedback, "Nobody called back.")
        self.assertIn("Nobody called back.", rating.message_id.body)
        self.assertEqual(rating.message_id.res_id, case.id)
        # The customer finds the rating and its comment on the portal.
        self.authenticate("portal_carla", "portal_carla")
        page = self.url_open(f"/my/cases/{case.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_crm_case_portal_rating", page.text)
        self.assertIn("Nobody called back.", page.text)

    def test_other_customer_may_not_rate(self):
        case = self.own_case
        case.action_open()
        case.action_close()
        token = case.sudo().rating_ids.access_token
        self.authenticate("portal_oscar", "portal_oscar")
        response = self.url_open(f"/rate/{token}/1")
        self.assertIn("You cannot rate this", response.text)
        self.assertFalse(case.sudo().rating_ids.consumed)
        self.assertEqual(case.state, "done")

    def test_unknown_token_is_not_found(self):
        response = self.url_open("/rate/not-a-token/5")
        self.assertEqual(response.status_code, 404)
