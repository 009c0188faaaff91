from odoo.tests import Form, tagged

from .gateway_common import CrmCaseGatewayCommon

BOSS = "Bob Boss <boss@customer.example.com>"


@tagged("post_install", "-at_install", "case_gateway", "case_merge")
class TestCrmCaseMergeGateway(CrmCaseGatewayCommon):
    """Mail about a merged case reaches the case it was merged into, until
    the merge is undone."""

    def setUp(self):
        super().setUp()
        self.case_a = self._process(subject="Printer broken")
        self.case_b = self._process(subject="Printer broken again", email_from=BOSS)
        self.first_mail_b = self._mails(self.case_b)
        self.assertEqual(len(self.first_mail_b), 1)

    def _mails(self, case):
        return self.env["mail.message"].search(
            [
                ("model", "=", "crm.case"),
                ("res_id", "=", case.id),
                ("message_type", "=", "email"),
            ]
        )

    def _merge_b_into_a(self):
        wizard = Form(
            self.env["crm.case.merge"]
            .with_user(self.case_user)
            .with_context(
                active_model="crm.case", active_ids=(self.case_b | self.case_a).ids
            )
        )
        self.assertEqual(wizard.target_id, self.case_a)
        wizard.save().action_merge()
        self.assertEqual(self.case_b.merged_into_id, self.case_a)

    def test_reply_to_a_merged_case_message_reaches_target(self):
        self._merge_b_into_a()
        reply = self._process(
            email_from=BOSS,
            subject="Any subject",
            extra=self._extra(In_Reply_To=self.first_mail_b.message_id),
        )
        self.assertEqual(reply, self.case_a)

    def test_reply_to_a_message_posted_on_merged_case_reaches_target(self):
        self._merge_b_into_a()
        # Written on the merged case after the merge: it stays there.
        late = self.case_b.message_post(
            body="Still here?", message_type="comment", subtype_xmlid="mail.mt_note"
        )
        self.assertEqual(late.res_id, self.case_b.id)
        reply = self._process(
            email_from=BOSS,
            subject="Re: Still here?",
            extra=self._extra(In_Reply_To=late.message_id),
        )
        self.assertEqual(reply, self.case_a)
        self.assertEqual(self._mails(self.case_b), self.env["mail.message"])

    def test_tag_of_a_merged_case_reaches_target(self):
        self._merge_b_into_a()
        reply = self._process(
            email_from=BOSS, subject=f"Re: [{self.case_b.id}] Printer broken again"
        )
        self.assertEqual(reply, self.case_a)

    def test_tag_of_a_merged_case_from_a_stranger_opens_a_case(self):
        self._merge_b_into_a()
        intruder = self._process(
            email_from=self.stranger_email,
            subject=f"Re: [{self.case_b.id}] Printer broken again",
        )
        self.assertNotIn(intruder, self.case_a | self.case_b)
        self.assertFalse(
            self._mails(self.case_a).filtered(
                lambda m: self.stranger_email in (m.email_from or "")
            )
        )

    def test_merged_chain_leads_to_the_live_case(self):
        self._merge_b_into_a()
        case_c = self._process(subject="Printer totally broken")
        self.env["crm.case.merge.log"].with_user(self.case_user)._merge_cases(
            case_c, self.case_a
        )
        reply = self._process(
            email_from=BOSS, subject=f"Re: [{self.case_b.id}] Printer broken again"
        )
        self.assertEqual(reply, case_c)

    def test_merge_and_undo_round_trip_with_mail_in_between(self):
        state_b = self.case_b.state
        self._merge_b_into_a()
        self.assertEqual(self.first_mail_b.res_id, self.case_a.id)
        self.assertIn("boss@customer.example.com", self.case_a.email_cc)
        between = self._process(
            email_from=BOSS,
            subject="Re: Printer broken again",
            body="It prints again after a restart.",
            extra=self._extra(In_Reply_To=self.first_mail_b.message_id),
        )
        self.assertEqual(between, self.case_a)
        mail_between = self._mails(self.case_a) - self.first_mail_b
        self.assertIn("It prints again", "".join(mail_between.mapped("body")))

        self.case_a.with_user(self.case_user).action_undo_merge()
        self.assertEqual(self.case_b.state, state_b)
        self.assertFalse(self.case_b.merged_into_id)
        self.assertEqual(self._mails(self.case_b), self.first_mail_b)
        # The mail that reached the target while merged stays there.
        self.assertLessEqual(mail_between, self._mails(self.case_a))
        self.assertFalse(self.case_a.email_cc)
        # The restored case takes its mail again.
        after = self._process(
            email_from=BOSS,
            subject="Re: Printer broken again",
            extra=self._extra(In_Reply_To=self.first_mail_b.message_id),
        )
        self.assertEqual(after, self.case_b)
        after_tag = self._process(
            email_from=BOSS, subject=f"Re: [{self.case_b.id}] Printer broken again"
        )
        self.assertEqual(after_tag, self.case_b)
