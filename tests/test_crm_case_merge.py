import base64
from datetime import datetime

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import CrmCaseCommon


class CrmCaseMergeCommon(CrmCaseCommon):
    """Three cases of one customer, the oldest first, each with a message,
    an attachment, a follower and a watcher of its own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.follower_b = cls.env["res.partner"].create(
            {"name": "Bea Follower", "email": "bea@customer.example.com"}
        )
        cls.follower_c = cls.env["res.partner"].create(
            {"name": "Cid Follower", "email": "cid@customer.example.com"}
        )

    def setUp(self):
        super().setUp()
        self.case_a = self._create_merge_case(
            "Printer broken", datetime(2026, 11, 1), "<p>First report</p>"
        )
        self.case_b = self._create_merge_case(
            "Printer still broken",
            datetime(2026, 11, 3),
            "<p>Blank pages again</p>",
            email_cc="boss@customer.example.com, carla@customer.example.com",
        )
        self.case_c = self._create_merge_case(
            "Printer is dead",
            datetime(2026, 11, 2),
            "<p>It smokes</p>",
            email_cc="it@customer.example.com",
        )
        self.case_b.message_subscribe(partner_ids=self.follower_b.ids)
        self.case_c.message_subscribe(partner_ids=self.follower_c.ids)
        self.case_b.action_open()
        self.activity_b = self.case_b.activity_schedule(
            "mail.mail_activity_data_todo",
            summary="Call back",
            user_id=self.case_user.id,
        )
        self.flush_tracking()

    def _create_merge_case(self, name, date, description, **values):
        case = self._create_case(
            name=name,
            date=date,
            description=description,
            partner_id=self.customer_company.id,
            **values,
        )
        case.message_post(
            body=f"Note of {name}",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            attachments=[(f"{name}.txt", name.encode())],
        )
        return case

    def _own_messages(self, case):
        return self.env["mail.message"].search(
            [("model", "=", "crm.case"), ("res_id", "=", case.id)]
        )

    def _note_of(self, case, text):
        return self._own_messages(case).filtered(lambda m: text in str(m.body))

    def _attachments(self, case):
        return self.env["ir.attachment"].search(
            [("res_model", "=", "crm.case"), ("res_id", "=", case.id)]
        )

    def _merge(self, cases, target=None, user=None):
        """Merge through the wizard, as the list's action does."""
        user = user or self.case_user
        wizard = Form(
            self.env["crm.case.merge"]
            .with_user(user)
            .with_context(active_model="crm.case", active_ids=cases.ids)
        )
        if target:
            wizard.target_id = target
        return wizard.save().action_merge()


@tagged("crm_case", "case_merge", "post_install", "-at_install")
class TestCrmCaseMerge(CrmCaseMergeCommon):
    def test_wizard_proposes_the_oldest_case(self):
        wizard = Form(
            self.env["crm.case.merge"]
            .with_user(self.case_user)
            .with_context(active_model="crm.case", active_ids=self.case_b.ids)
        )
        self.assertEqual(wizard.target_id, self.case_b)
        wizard.case_ids.add(self.case_c)
        self.assertEqual(wizard.target_id, self.case_c)
        wizard.case_ids.add(self.case_a)
        self.assertEqual(wizard.target_id, self.case_a)

    def test_form_button_opens_the_wizard_on_the_case(self):
        action = self.case_b.with_user(self.case_user).action_merge()
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(self.case_user)
            .with_context(action["context"])
        )
        self.assertEqual(wizard.save().case_ids, self.case_b)

    def test_merge_moves_messages_attachments_followers_watchers(self):
        messages_b, messages_c = map(self._own_messages, (self.case_b, self.case_c))
        attachments_b = self._attachments(self.case_b)
        self.assertTrue(attachments_b)
        action = self._merge(self.case_a | self.case_b | self.case_c)
        self.assertEqual(action["res_id"], self.case_a.id)
        self.flush_tracking()
        self.assertLessEqual(messages_b | messages_c, self._own_messages(self.case_a))
        self.assertEqual(
            set((messages_b | messages_c).mapped("record_name")),
            {self.case_a.display_name},
        )
        self.assertLessEqual(attachments_b, self._attachments(self.case_a))
        self.assertEqual(self.activity_b.res_id, self.case_a.id)
        self.assertEqual(self.case_a.activity_ids, self.activity_b)
        # What the merged cases keep: the notes of the merge, their tracking.
        self.assertFalse(self._own_messages(self.case_b) & messages_b)
        self.assertFalse(self._attachments(self.case_b))
        self.assertLessEqual(
            self.follower_b | self.follower_c, self.case_a.message_partner_ids
        )
        # The watchers and requester addresses, each once; Carla, the
        # target's own contact, is not a watcher of it.
        self.assertEqual(
            self.case_a.email_cc, "it@customer.example.com, boss@customer.example.com"
        )

    def test_merge_notes_descriptions_and_cancels_with_link(self):
        self._merge(self.case_a | self.case_b)
        self.assertEqual(self.case_b.state, "cancel")
        self.assertEqual(self.case_b.merged_into_id, self.case_a)
        self.assertEqual(self.case_a.state, "draft")
        note_b = self._note_of(self.case_b, "Merged into")
        self.assertEqual(len(note_b), 1)
        self.assertIn(f"[{self.case_a.id}] Printer broken", note_b.body)
        self.assertIn(f'data-oe-id="{self.case_a.id}"', note_b.body)
        note_a = self._note_of(self.case_a, "was merged into this case")
        self.assertEqual(len(note_a), 1)
        self.assertIn(f"[{self.case_b.id}] Printer still broken", note_a.body)
        self.assertIn(f'data-oe-id="{self.case_b.id}"', note_a.body)
        self.assertIn("Blank pages again", note_a.body)

    def test_merge_fires_no_cancel_rule_and_time_rules_skip_merged(self):
        """A merged case is not dropped: the rules of cancelled cases leave
        it alone, and still act on a case cancelled by hand."""
        Rule = self.env["crm.case.rule"]
        event_rule = Rule.create(
            {"name": "Cancelled", "trg_state_to": "cancel", "act_priority": "1"}
        )
        time_rule = Rule.create(
            {
                "name": "Cancelled a day ago",
                "trg_state_to": "cancel",
                "trg_date_type": "date",
                "trg_date_range": 1,
                "trg_date_range_type": "day",
            }
        )
        self._merge(self.case_a | self.case_b)
        self.assertEqual(self.case_b.priority, "3")
        self.assertFalse(event_rule.log_ids)
        self.case_c.action_cancel()
        self.assertEqual(self.case_c.priority, "1")
        due = [case_id for case_id, _instant in time_rule._get_due_cases()]
        self.assertIn(self.case_c.id, due)
        self.assertNotIn(self.case_b.id, due)

    def test_merged_case_keeps_its_state(self):
        self._merge(self.case_a | self.case_b)
        with self.assertRaisesRegex(UserError, "undo the merge"):
            self.case_b.with_user(self.case_user).action_draft()

    # ------------------------------------------------------------
    # Refusals
    # ------------------------------------------------------------

    def test_refuse_merge_into_itself(self):
        with self.assertRaisesRegex(UserError, "cannot be merged into itself"):
            self._merge(self.case_a)
        with self.assertRaisesRegex(UserError, "cannot be merged into itself"):
            self.env["crm.case.merge.log"].with_user(self.case_user)._merge_cases(
                self.case_a, self.case_a | self.case_b
            )
        self.assertEqual(self.case_b.state, "open")

    def test_refuse_merge_of_merged_case(self):
        self._merge(self.case_a | self.case_b)
        with self.assertRaisesRegex(UserError, "already merged"):
            self.env["crm.case.merge.log"].with_user(self.case_user)._merge_cases(
                self.case_c, self.case_b
            )

    def _other_company_case(self):
        company_b = self.env["res.company"].create({"name": "Merge Company B"})
        section_b = self.env["crm.case.section"].create(
            {"name": "Support B", "code": "sb", "company_id": company_b.id}
        )
        case = self.env["crm.case"].create(
            {"name": "Printer broken too", "section_id": section_b.id}
        )
        return company_b, case

    def test_refuse_cases_of_different_companies(self):
        company_b, case_x = self._other_company_case()
        self.case_user.company_ids |= company_b
        with self.assertRaisesRegex(UserError, "different companies"):
            self.env["crm.case.merge.log"].with_user(self.case_user).with_context(
                allowed_company_ids=(self.company | company_b).ids
            )._merge_cases(self.case_a, case_x)
        self.assertFalse(case_x.merged_into_id)

    def test_refuse_user_who_cannot_write_every_case(self):
        _company_b, case_x = self._other_company_case()
        with self.assertRaisesRegex(UserError, "may not change the case"):
            self.env["crm.case.merge.log"].with_user(self.case_user)._merge_cases(
                self.case_a, self.case_b | case_x
            )
        self.assertEqual(self.case_b.state, "open")
        self.assertFalse(self.case_b.merged_into_id)

    def test_outsiders_cannot_merge(self):
        for login, groups in (
            ("merge_internal", "base.group_user"),
            ("merge_portal", "base.group_portal"),
        ):
            user = mail_new_test_user(self.env, login=login, groups=groups)
            with self.subTest(user=login), self.assertRaises(AccessError):
                self.case_a.with_user(user).action_merge()
            with self.subTest(user=login), self.assertRaisesRegex(
                UserError, "may not change"
            ):
                self.env["crm.case.merge.log"].with_user(user)._merge_cases(
                    self.case_a, self.case_b
                )
        self.assertFalse(self.case_b.merged_into_id)

    # ------------------------------------------------------------
    # Undo
    # ------------------------------------------------------------

    def test_undo_restores_each_case(self):
        messages_b, messages_c = map(self._own_messages, (self.case_b, self.case_c))
        attachments_c = self._attachments(self.case_c)
        email_cc_a = self.case_a.email_cc
        followers_a = self.case_a.message_partner_ids
        self._merge(self.case_a | self.case_b | self.case_c)
        self.flush_tracking()
        # Written on the target after the merge, by hand: kept by the undo.
        after = self.case_a.message_post(body="After the merge", message_type="comment")
        self.case_a.with_user(self.case_user).action_undo_merge()
        self.flush_tracking()
        self.assertEqual(self.case_b.state, "open")
        self.assertEqual(self.case_c.state, "draft")
        self.assertFalse((self.case_b | self.case_c).merged_into_id)
        self.assertLessEqual(messages_b, self._own_messages(self.case_b))
        self.assertLessEqual(messages_c, self._own_messages(self.case_c))
        self.assertEqual(
            set(messages_c.mapped("record_name")), {self.case_c.display_name}
        )
        self.assertEqual(self._attachments(self.case_c), attachments_c)
        self.assertEqual(self.case_b.activity_ids, self.activity_b)
        self.assertFalse(self.case_a.activity_ids)
        self.assertFalse(self._own_messages(self.case_a) & (messages_b | messages_c))
        self.assertIn(after, self._own_messages(self.case_a))
        self.assertEqual(self.case_a.email_cc, email_cc_a)
        self.assertEqual(self.case_a.message_partner_ids, followers_a)
        self.assertTrue(self._note_of(self.case_a, "Merge undone"))
        self.assertTrue(self._note_of(self.case_b, "undone"))
        self.assertTrue(self._note_of(self.case_c, "undone"))
        self.assertFalse(self.case_a.merge_undoable)
        # The restored case moves again.
        self.case_b.with_user(self.case_user).action_close()

    def test_refuse_undo_twice(self):
        self._merge(self.case_a | self.case_b)
        merge = self.case_a.merge_log_ids
        merge.with_user(self.case_user).action_undo()
        with self.assertRaisesRegex(UserError, "already been undone"):
            merge.with_user(self.case_user).action_undo()
        with self.assertRaisesRegex(UserError, "No merge"):
            self.case_a.with_user(self.case_user).action_undo_merge()

    def test_refuse_undo_when_a_case_was_deleted(self):
        self._merge(self.case_a | self.case_b | self.case_c)
        self.case_c.with_user(self.case_manager).unlink()
        with self.assertRaisesRegex(UserError, "was deleted"):
            self.case_a.with_user(self.case_user).action_undo_merge()
        self.assertEqual(self.case_b.merged_into_id, self.case_a)

    def test_refuse_undo_by_user_who_cannot_write_every_case(self):
        self._merge(self.case_a | self.case_b)
        merge = self.case_a.merge_log_ids
        outsider = mail_new_test_user(
            self.env, login="merge_outsider", groups="base.group_user"
        )
        with self.assertRaises(AccessError):
            merge.with_user(outsider).action_undo()
        with self.assertRaises(AccessError):
            self.case_a.with_user(outsider).action_undo_merge()
        # A case user who lost a company of the merged cases.
        company_b, case_x = self._other_company_case()
        self.case_user.company_ids |= company_b
        case_y = self.env["crm.case"].create(
            {"name": "Toner", "section_id": case_x.section_id.id}
        )
        self.env["crm.case.merge.log"].with_user(self.case_user).with_context(
            allowed_company_ids=(self.company | company_b).ids
        )._merge_cases(case_x, case_y)
        merge_b = case_x.merge_log_ids
        self.case_user.company_ids -= company_b
        with self.assertRaises(AccessError):
            merge_b.with_user(self.case_user).action_undo()
        self.assertEqual(case_y.merged_into_id, case_x)

    def test_refuse_undo_of_a_target_merged_since(self):
        self._merge(self.case_a | self.case_b)
        self._merge(self.case_c | self.case_a, target=self.case_c)
        with self.assertRaisesRegex(UserError, "undo that merge first"):
            self.case_a.with_user(self.case_user).action_undo_merge()
        self.assertEqual(self.case_b._get_merge_target(), self.case_c)

    def test_merge_records_are_read_only(self):
        self._merge(self.case_a | self.case_b)
        merge = self.case_a.merge_log_ids.with_user(self.case_user)
        self.assertEqual(merge.line_ids.case_id, self.case_b)
        with self.assertRaises(AccessError):
            merge.line_ids.write({"message_ids": [(4, self.case_a.message_ids[0].id)]})
        with self.assertRaises(AccessError):
            merge.write({"undone": True})

    def test_attachment_content_survives_round_trip(self):
        attachment = self._attachments(self.case_b)
        self._merge(self.case_a | self.case_b)
        self.case_a.with_user(self.case_user).action_undo_merge()
        self.assertEqual(self._attachments(self.case_b), attachment)
        self.assertEqual(base64.b64decode(attachment.datas), b"Printer still broken")
