import ast
from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import CrmCaseCommon

T0 = datetime(2026, 5, 4, 9, 0, 0)


@tagged("crm_case", "crm_case_rule")
class TestCrmCaseRule(CrmCaseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Rule = cls.env["crm.case.rule"]
        # Rules of other tests or demo data must not interfere.
        cls.Rule.search([]).active = False
        cls.gold_parent = cls.env["res.partner.category"].create(
            {"name": "Support Contract"}
        )
        cls.gold = cls.env["res.partner.category"].create(
            {"name": "Gold", "parent_id": cls.gold_parent.id}
        )
        cls.gold_partner = cls.env["res.partner"].create(
            {
                "name": "Gold Customer",
                "email": "gold@example.com",
                "category_id": [(6, 0, cls.gold.ids)],
            }
        )
        cls.supplier = cls.env["res.partner"].create(
            {"name": "Screw Supplier", "email": "supplier@example.com"}
        )

    def _case_mails(self, case):
        return (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", "crm.case"), ("res_id", "=", case.id)], order="id")
        )

    def _time_case(self, when=T0, **values):
        # create_date comes from the database clock: freeze it too.
        with self.mock_datetime_and_now(when):
            case = self._create_case(**values)
            case.action_open()
        return case

    def _raise_a_day_after_creation(self, name):
        """A time rule: a case one day old gets the highest priority."""
        return self.Rule.create(
            {
                "name": name,
                "trg_date_type": "create",
                "trg_date_range": 1,
                "act_priority": "1",
            }
        )

    def _check_at(self, when):
        with freeze_time(when):
            self.Rule._cron_check()

    # ------------------------------------------------------------
    # The book's examples
    # ------------------------------------------------------------

    def test_copy_to_an_expert_after_two_days(self):
        self.Rule.create(
            {
                "name": "Copy to an expert after 2 days",
                "trg_state_from": "open",
                "trg_state_to": "open",
                "trg_user_id": self.case_user.id,
                "trg_date_type": "create",
                "trg_date_range": 2,
                "trg_date_range_type": "day",
                "act_email_cc": "expert@mycompany.com",
                "act_remind_user": True,
            }
        )
        case = self._time_case(name="Slow printer")
        other = self._time_case(name="Not mine", user_id=self.senior_user.id)
        case.action_text = "First diagnosis: the driver is old."
        case.action_historize()
        self._check_at("2026-05-06 08:59:00")
        self.assertFalse(self._case_mails(case), "nothing at 1 day 23 h 59")
        self.assertNotIn("expert", case.email_cc or "")

        self._check_at("2026-05-06 09:00:00")
        mails = self._case_mails(case)
        self.assertEqual(len(mails), 2)
        copy, reminder = mails
        self.assertEqual(copy.email_to, "expert@mycompany.com")
        self.assertEqual(copy.subject, f"[{case.id}] Slow printer")
        self.assertIn("the driver is old", copy.body_html, "the whole discussion")
        self.assertEqual(reminder.email_to, "case.user@example.com")
        self.assertEqual(reminder.subject, f"Reminder: [{case.id}] Slow printer")
        self.assertIn("expert@mycompany.com", case.email_cc)
        self.assertEqual(
            ast.literal_eval(copy.headers)["Auto-Submitted"], "auto-generated"
        )
        self.assertEqual(reminder.reply_to, "level1@example.com")
        self.assertFalse(self._case_mails(other), "another responsible")

        self._check_at("2026-05-06 10:00:00")
        self._check_at("2026-05-09 10:00:00")
        self.assertEqual(len(self._case_mails(case)), 2, "sent once only")
        self.assertEqual(len(case.rule_log_ids), 1)

    def test_priority_to_gold_partners(self):
        self.Rule.create(
            {
                "name": "Priority to Gold Partners",
                "trg_state_to": "open",
                "trg_partner_categ_id": self.gold_parent.id,
                "act_priority": "2",
            }
        )
        gold_case = self._create_case(partner_id=self.gold_partner.id)
        other_case = self._create_case(partner_id=self.supplier.id, priority="4")
        self.assertEqual(gold_case.priority, "3", "no change before opening")
        (gold_case | other_case).action_open()
        self.assertEqual(gold_case.priority, "2")
        self.assertEqual(other_case.priority, "4")

    def test_supplier_quality_reminders(self):
        quality = self.env["crm.case.section"].create(
            {"name": "Quality Test", "reply_to": "quality@example.com"}
        )
        base = {"trg_section_id": quality.id, "trg_date_type": "create"}
        self.Rule.create(
            dict(
                base,
                name="Remind the supplier after 3 days",
                trg_state_from="open",
                trg_state_to="open",
                trg_date_range=3,
                act_remind_partner=True,
            )
        )
        self.Rule.create(
            dict(
                base,
                name="Production manager after a week",
                trg_date_range=1,
                trg_date_range_type="week",
                act_mail_to_email="production@example.com",
                act_mail_body="Case %(case_id)s with %(partner)s is %(case_state)s.",
            )
        )
        late = self._time_case(section_id=quality.id, partner_id=self.supplier.id)
        closed = self._time_case(section_id=quality.id, partner_id=self.supplier.id)
        with freeze_time("2026-05-05 09:00:00"):
            closed.action_close()
        self._check_at("2026-05-07 09:00:00")
        mails = self._case_mails(late)
        self.assertEqual(mails.mapped("email_to"), ["supplier@example.com"])
        self.assertTrue(mails.subject.startswith(f"Reminder: [{late.id}]"))
        self._check_at("2026-05-11 09:00:00")
        mails = self._case_mails(late)
        self.assertEqual(len(mails), 2)
        self.assertEqual(mails[1].email_to, "production@example.com")
        self.assertIn(
            f"Case {late.id} with Screw Supplier is Open.", mails[1].body_html
        )
        self.assertFalse(self._case_mails(closed), "closed cases are left alone")

    def test_level1_follows_escalated_cases(self):
        self.Rule.create(
            {
                "name": "Level 1 follows its escalated cases",
                "trg_state_to": "escalate",
                "act_watch_actor": True,
            }
        )
        case = self._create_case(partner_id=self.gold_partner.id)
        case.action_open()
        case.action_escalate()
        self.assertIn("case.user@example.com", case.email_cc)
        level2_case = case.with_user(self.senior_user)
        level2_case.action_text = "Reinstall the driver from the vendor site."
        with self.mock_mail_gateway():
            level2_case.action_historize_send()
        sent_to = [address for mail in self._mails for address in mail["email_to"]]
        self.assertIn("case.user@example.com", sent_to, "level 1 gets the answer")
        self.assertIn('"Gold Customer" <gold@example.com>', sent_to)

    def test_new_cases_assigned_to_a_user(self):
        self.Rule.create(
            {
                "name": "Assign new Level 1 cases",
                "trg_state_from": "none",
                "trg_state_to": "draft",
                "trg_section_id": self.section_level1.id,
                "act_user_id": self.senior_user.id,
            }
        )
        case = self._create_case(user_id=False)
        self.assertEqual(case.user_id, self.senior_user)
        sales_case = self._create_case(section_id=self.section_sales.id, user_id=False)
        self.assertFalse(sales_case.user_id)
        case.action_open()
        case.action_close()
        case.action_draft()
        self.assertEqual(len(case.rule_log_ids), 1, "only on creation (from none)")

    # ------------------------------------------------------------
    # Engine
    # ------------------------------------------------------------

    def test_all_matching_rules_apply_unless_stopped(self):
        first = self.Rule.create(
            {
                "name": "First",
                "sequence": 1,
                "trg_state_to": "open",
                "act_priority": "2",
            }
        )
        self.Rule.create(
            {
                "name": "Second",
                "sequence": 2,
                "trg_state_to": "open",
                "act_email_cc": "boss@example.com",
            }
        )
        case = self._create_case()
        case.action_open()
        self.assertEqual(case.priority, "2")
        self.assertIn("boss@example.com", case.email_cc)
        first.stop_processing = True
        stopped = self._create_case()
        stopped.action_open()
        self.assertEqual(stopped.priority, "2")
        self.assertFalse(stopped.email_cc, "the second rule was not evaluated")

    def test_rule_changes_are_seen_by_later_rules_and_cascades_are_bounded(self):
        self.Rule.create(
            {"name": "Open then pend", "trg_state_to": "open", "act_state": "pending"}
        )
        self.Rule.create(
            {"name": "Pend then open", "trg_state_to": "pending", "act_state": "open"}
        )
        case = self._create_case()
        with mute_logger("odoo.addons.crm_case.models.crm_case_rule_engine"):
            case.action_open()
        logs = case.rule_log_ids
        self.assertTrue(logs)
        self.assertLessEqual(len(logs), 5, "the cascade stops at depth 5")
        self.assertEqual(set(logs.mapped("state")), {"done"})

    def test_regex_criteria(self):
        self.Rule.create(
            {
                "name": "Technical faults",
                "trg_state_to": "open",
                "regex_name": r"(?i)\bfault\b",
                "act_section_id": self.section_level2.id,
            }
        )
        fault = self._create_case(name="Fault in the power supply")
        question = self._create_case(name="Question about invoices")
        (fault | question).action_open()
        self.assertEqual(fault.section_id, self.section_level2)
        self.assertEqual(question.section_id, self.section_level1)

    def test_failed_action_is_logged_retried_three_times_and_others_go_on(self):
        server_action = self.env["ir.actions.server"].create(
            {
                "name": "Fails on bad cases",
                "model_id": self.env.ref("crm_case.model_crm_case").id,
                "state": "code",
                "code": "if record.name == 'bad':\n    raise UserError('boom')\n"
                "record.write({'priority': '1'})",
            }
        )
        self.Rule.create(
            {
                "name": "Run the server action after a day",
                "trg_date_type": "date",
                "trg_date_range": 1,
                "server_action_id": server_action.id,
            }
        )
        bad = self._time_case(name="bad")
        good = self._time_case(name="good")
        with mute_logger("odoo.addons.crm_case.models.crm_case_rule_engine"):
            for hour in range(10, 15):
                self._check_at(f"2026-05-05 {hour}:00:00")
        self.assertEqual(good.priority, "1")
        log = bad.rule_log_ids
        self.assertEqual(len(log), 1)
        self.assertEqual(log.state, "failed")
        self.assertEqual(log.attempts, 3, "three attempts in all")
        self.assertIn("boom", log.error)
        self.assertEqual(bad.priority, "3")

    def test_trigger_date_moves_and_rule_fires_again(self):
        rule = self.Rule.create(
            {
                "name": "Nudge after an hour without action",
                "trg_date_type": "action_last",
                "trg_date_range": 1,
                "trg_date_range_type": "hour",
                "act_remind_user": True,
            }
        )
        case = self._time_case()
        self._check_at("2026-05-04 10:00:00")
        self.assertEqual(len(case.rule_log_ids), 1)
        self._check_at("2026-05-04 10:30:00")
        self.assertEqual(len(case.rule_log_ids), 1)
        self._check_at("2026-05-04 11:00:00")
        self.assertEqual(len(case.rule_log_ids), 2, "fired again for the new instant")
        self.assertEqual(case.rule_log_ids.rule_id, rule)

    def test_negative_delay_before_the_deadline(self):
        self.Rule.create(
            {
                "name": "A day before the deadline",
                "trg_date_type": "deadline",
                "trg_date_range": -1,
                "act_remind_user": True,
            }
        )
        case = self._time_case(date_deadline="2026-05-10 12:00:00")
        self._check_at("2026-05-09 11:59:00")
        self.assertFalse(case.rule_log_ids)
        self._check_at("2026-05-09 12:00:00")
        self.assertEqual(len(case.rule_log_ids), 1)

    def test_only_new_cases_does_not_back_fill(self):
        overdue = self._time_case()
        with freeze_time("2026-06-01 09:00:00"):
            rule = self.Rule.create(
                {
                    "name": "No back-fill",
                    "trg_date_type": "create",
                    "trg_date_range": 2,
                    "only_new_cases": True,
                    "act_remind_user": True,
                }
            )
        fresh = self._time_case(when=datetime(2026, 6, 1, 9, 0))
        self._check_at("2026-06-05 09:00:00")
        self.assertFalse(overdue.rule_log_ids)
        self.assertEqual(fresh.rule_log_ids.rule_id, rule)
        rule.only_new_cases = False
        self._check_at("2026-06-05 09:05:00")
        self.assertEqual(len(overdue.rule_log_ids), 1, "back-filled when asked")

    def test_claim_is_exclusive_per_trigger_instant(self):
        rule = self.Rule.create(
            {"name": "Claim", "trg_date_type": "create", "act_remind_user": True}
        )
        case = self._create_case()
        Log = self.env["crm.case.rule.log"]
        instant = datetime(2026, 5, 4, 9, 0)
        first = Log._claim(rule, case, instant, time_rule=True)
        self.assertTrue(first)
        Log.browse(first).state = "done"
        self.assertFalse(Log._claim(rule, case, instant, time_rule=True))
        self.assertTrue(Log._claim(rule, case, datetime(2026, 5, 5), time_rule=True))

    def test_preview_lists_due_cases_without_firing(self):
        rule = self._raise_a_day_after_creation("Preview")
        due = self._time_case()
        not_due = self._time_case(when=datetime(2026, 5, 5, 10, 0))
        with freeze_time("2026-05-05 10:00:00"):
            action = rule.with_user(self.case_manager).action_preview()
        self.assertEqual(self.env["crm.case"].search(action["domain"]), due)
        # A day later the other case is due too: the preview follows the clock.
        with freeze_time("2026-05-06 10:00:00"):
            action = rule.with_user(self.case_manager).action_preview()
        self.assertEqual(self.env["crm.case"].search(action["domain"]), due | not_due)
        self.assertFalse((due | not_due).rule_log_ids)
        self.assertEqual((due | not_due).mapped("priority"), ["3", "3"])

    def test_checker_batch_writes_the_history(self):
        rule = self._raise_a_day_after_creation("Raise old cases")
        cases = self._time_case() | self._time_case(name="second")
        self._check_at("2026-05-05 09:00:00")
        for case in cases:
            self.assertEqual(case.priority, "1")
            notes = case.message_ids.filtered(lambda m: rule.name in (m.body or ""))
            self.assertEqual(len(notes), 1)
            self.assertIn("Priority: Normal → Highest", notes.body)

    def test_run_now_button(self):
        rule = self.Rule.create(
            {"name": "Now", "trg_date_type": "create", "act_priority": "1"}
        )
        case = self._create_case()
        rule.with_user(self.case_manager).action_run_now()
        self.assertEqual(case.priority, "1")

    def test_cron_runs_the_checker_and_fires_due_rules(self):
        rule = self._raise_a_day_after_creation("Raise by the cron")
        due = self._time_case()
        fresh = self._time_case(when=datetime(2026, 5, 5, 8, 0))
        cron = self.env.ref("crm_case.ir_cron_check_case_rules")
        self.assertTrue(cron.active)
        with freeze_time("2026-05-05 09:00:00"):
            cron.method_direct_trigger()
        self.assertEqual(due.priority, "1")
        self.assertEqual(due.rule_log_ids.rule_id, rule)
        self.assertEqual(fresh.priority, "3")
        self.assertFalse(fresh.rule_log_ids)

    # ------------------------------------------------------------
    # Bad input and access
    # ------------------------------------------------------------

    def test_bad_input_is_refused_at_save(self):
        with self.assertRaisesRegex(ValidationError, "regular expression"):
            self.Rule.create({"name": "Bad regex", "regex_name": "(unclosed"})
        with self.assertRaisesRegex(ValidationError, r"unknown placeholder %\(nope\)s"):
            self.Rule.create({"name": "Bad body", "act_mail_body": "Hi %(nope)s"})
        with self.assertRaisesRegex(ValidationError, "not well formed"):
            self.Rule.create({"name": "Lone percent", "act_mail_body": "Done: 50%"})
        with self.assertRaisesRegex(ValidationError, "no trigger date"):
            self.Rule.create({"name": "Delay alone", "trg_date_range": -1})
        other_company = self.env["res.company"].create({"name": "Rule Other Co"})
        foreign = self.env["crm.case.section"].create(
            {"name": "Foreign", "company_id": other_company.id}
        )
        with self.assertRaisesRegex(UserError, "(?i)compan"):
            self.Rule.create({"name": "Foreign section", "act_section_id": foreign.id})

    def test_rule_form_for_managers_only(self):
        with Form(self.Rule.with_user(self.case_manager)) as form:
            form.name = "Made by a manager"
            form.trg_date_type = "deadline"
            form.trg_date_range = 2
        self.assertTrue(form.record.id)
        with self.assertRaises(AccessError):
            self.Rule.with_user(self.case_user).create({"name": "By a user"})
        with self.assertRaises(AccessError):
            form.record.with_user(self.case_user).write({"name": "Renamed"})
        outsider = mail_new_test_user(
            self.env, login="rule_outsider", groups="base.group_user"
        )
        with self.assertRaises(AccessError):
            form.record.with_user(outsider).read(["name"])
