from collections import Counter
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from .assignment_common import CrmCaseAssignmentCommon


@tagged("post_install", "-at_install", "case_assignment")
class TestCrmCaseAssignment(CrmCaseAssignmentCommon):
    # ------------------------------------------------------------
    # Methods
    # ------------------------------------------------------------

    def _assert_noted(self, cases):
        for case in cases:
            bodies = " ".join(case.message_ids.mapped("body"))
            self.assertIn("could take this case", bodies)
            self.assertIn(case.section_id.complete_name, bodies)

    def test_balanced_gives_the_fewest_open_cases(self):
        self._open_cases(self.member_a, 3)
        self._open_cases(self.member_b, 1)
        # Closed and cancelled cases are no load.
        self._open_cases(self.member_c, 4, state="done")
        cases = self._new_cases(6)
        # c: 0 → 3, b: 1 → 3, then a, b and c tie at 3: a (lowest id) gets one.
        self.assertEqual(
            Counter(case.user_id.id for case in cases),
            Counter({self.member_a.id: 1, self.member_b.id: 2, self.member_c.id: 3}),
        )

    def test_balanced_counts_only_this_section(self):
        self.section_sales.member_ids = self.members
        self._open_cases(self.member_a, 5, section=self.section_sales)
        self._open_cases(self.member_b, 1)
        self._open_cases(self.member_c, 1)
        case = self._new_cases(1)
        self.assertEqual(case.user_id, self.member_a)

    def test_round_robin_goes_on_after_the_last(self):
        self.section_auto.assign_method = "round_robin"
        # Load does not matter to round robin.
        self._open_cases(self.member_a, 5)
        first = self._new_cases(4)
        self.assertEqual(
            [case.user_id.id for case in first.sorted("id")],
            [self.member_a.id, self.member_b.id, self.member_c.id, self.member_a.id],
        )
        self.assertEqual(self.section_auto.assign_last_user_id, self.member_a)
        second = self._new_cases(1)
        self.assertEqual(second.user_id, self.member_b)

    def test_round_robin_after_a_member_left(self):
        self.section_auto.assign_method = "round_robin"
        self._new_cases(2)
        self.assertEqual(self.section_auto.assign_last_user_id, self.member_b)
        self.section_auto.member_ids -= self.member_b
        self.assertEqual(self._new_cases(1).user_id, self.member_c)
        self.assertEqual(self._new_cases(1).user_id, self.member_a)

    def test_manual_keeps_the_seed_behaviour(self):
        self.section_auto.assign_method = "manual"
        case = self._new_cases(1)
        self.assertEqual(case.user_id, self.case_user)
        unassigned = self._new_cases(1, user_id=False)
        self.assertFalse(unassigned.user_id)

    def test_explicit_responsible_is_kept(self):
        case = self._new_cases(1, user_id=self.senior_user.id)
        self.assertEqual(case.user_id, self.senior_user)
        self.assertFalse(self.section_auto.assign_last_user_id)

    def test_batch_over_several_sections(self):
        self.section_sales.write(
            {"assign_method": "round_robin", "member_ids": [(6, 0, self.member_c.ids)]}
        )
        cases = (
            self.env["crm.case"]
            .with_user(self.case_user)
            .create(
                [
                    {"name": "Auto", "section_id": self.section_auto.id},
                    {"name": "Sales", "section_id": self.section_sales.id},
                    {"name": "Manual", "section_id": self.section_level1.id},
                ]
            )
        )
        self.assertEqual(
            cases.mapped("user_id"), self.member_a | self.member_c | self.case_user
        )

    def test_batch_reads_the_loads_once(self):
        """The queries of a choice do not grow with the number of cases."""
        self._open_cases(self.member_a, 2)
        Section = self.env["crm.case.section"]

        def queries(count):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            picks = Section._assign_batches({self.section_auto: count})
            self.assertEqual(len(picks[self.section_auto]), count)
            return self.env.cr.sql_log_count - before

        self.assertEqual(queries(3), queries(300))

    # ------------------------------------------------------------
    # Cap
    # ------------------------------------------------------------

    def test_cap_balanced(self):
        self.section_auto.assign_max_open = 2
        self._open_cases(self.member_a, 2)
        self._open_cases(self.member_b, 1)
        cases = self._new_cases(4).sorted("id")
        self.assertEqual(
            Counter(case.user_id.id for case in cases),
            Counter({self.member_c.id: 2, self.member_b.id: 1, False: 1}),
        )
        self._assert_noted(cases.filtered(lambda case: not case.user_id))
        self.assertNotIn(
            "could take this case", " ".join(cases[0].message_ids.mapped("body"))
        )

    def test_cap_round_robin_skips_full_members(self):
        self.section_auto.write({"assign_method": "round_robin", "assign_max_open": 1})
        self._open_cases(self.member_b, 1)
        cases = self._new_cases(3).sorted("id")
        self.assertEqual(
            [case.user_id.id for case in cases],
            [self.member_a.id, self.member_c.id, False],
        )

    def test_cap_cannot_be_negative(self):
        with self.assertRaises(ValidationError):
            self.section_auto.assign_max_open = -1

    def test_nobody_available_keeps_the_case(self):
        self.section_auto.member_ids = False
        case = self._new_cases(1)
        self.assertTrue(case.exists())
        self.assertFalse(case.user_id)
        self._assert_noted(case)

    # ------------------------------------------------------------
    # Leaves
    # ------------------------------------------------------------

    def test_member_on_leave_is_skipped(self):
        self._open_cases(self.member_b, 1)
        self._open_cases(self.member_c, 1)
        self._put_on_leave(self.member_a)
        cases = self._new_cases(2)
        self.assertEqual(cases.user_id, self.member_b | self.member_c)

    def test_past_and_future_leaves_do_not_count(self):
        self._open_cases(self.member_b, 1)
        self._open_cases(self.member_c, 1)
        self._put_on_leave(self.member_a, hours_before=48, hours_after=-24)
        leave = self._put_on_leave(self.member_a, hours_before=-24, hours_after=48)
        self.assertGreater(leave.date_from, fields.Datetime.now())
        self.assertEqual(self._new_cases(1).user_id, self.member_a)

    def test_public_holiday_of_the_calendar(self):
        for member in self.members - self.member_c:
            self.env["resource.resource"].create(
                {"name": member.name, "user_id": member.id}
            )
        now = fields.Datetime.now()
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Holiday",
                "calendar_id": self.env.company.resource_calendar_id.id,
                "date_from": now - timedelta(hours=2),
                "date_to": now + timedelta(hours=2),
            }
        )
        # Without a resource, no calendar says Cleo is away.
        self.assertEqual(self._new_cases(2).user_id, self.member_c)

    @freeze_time("2026-11-29 03:00:00")  # a Sunday night
    def test_outside_working_hours_is_not_a_leave(self):
        for member in self.members:
            self.env["resource.resource"].create(
                {"name": member.name, "user_id": member.id}
            )
        self.assertEqual(len(self._new_cases(3).user_id), 3)

    def test_everybody_on_leave_leaves_it_unassigned(self):
        for member in self.members:
            self._put_on_leave(member)
        case = self._new_cases(1)
        self.assertFalse(case.user_id)

    # ------------------------------------------------------------
    # Creation paths and rights
    # ------------------------------------------------------------

    def test_form_leaves_the_responsible_to_the_section(self):
        Case = self.env["crm.case"].with_user(self.case_user)
        with Form(Case.with_context(default_section_id=self.section_auto.id)) as form:
            self.assertFalse(form.user_id)
            form.name = "From the form"
        self.assertIn(form.record.user_id, self.members)

    def test_form_choosing_the_section_drops_the_default_user(self):
        Case = self.env["crm.case"].with_user(self.case_user)
        with Form(Case) as form:
            self.assertEqual(form.user_id, self.case_user)
            form.name = "From the form"
            form.section_id = self.section_auto
            self.assertFalse(form.user_id)
        self.assertIn(form.record.user_id, self.members)
        with Form(Case) as form:
            form.name = "Manual section"
            form.section_id = self.section_level1
        self.assertEqual(form.record.user_id, self.case_user)

    def test_form_explicit_responsible_is_kept(self):
        Case = self.env["crm.case"].with_user(self.case_user)
        with Form(Case.with_context(default_section_id=self.section_auto.id)) as form:
            form.name = "Mine"
            form.user_id = self.case_user
        self.assertEqual(form.record.user_id, self.case_user)

    def test_plain_user_cannot_change_the_method(self):
        section = self.section_auto.with_user(self.case_user)
        with self.assertRaises(AccessError):
            section.assign_method = "round_robin"
        with self.assertRaises(AccessError):
            section.assign_max_open = 3
        self.section_auto.with_user(self.case_manager).write(
            {"assign_method": "round_robin", "assign_max_open": 3}
        )
        self.assertEqual(self.section_auto.assign_method, "round_robin")

    def test_plain_case_user_gets_the_section_choice(self):
        """A case user, who may not write the section, still gets a member:
        the choice reads every load and records the last one for him."""
        self.section_auto.assign_method = "round_robin"
        case = self._new_cases(1, user=self.member_b)
        self.assertEqual(case.user_id, self.member_a)
        self.assertEqual(self.section_auto.assign_last_user_id, self.member_a)
        with self.assertRaises(AccessError):
            self.section_auto.with_user(self.member_b).assign_last_user_id = False

    # ------------------------------------------------------------
    # Escalation and rules
    # ------------------------------------------------------------

    def test_escalation_into_an_auto_section(self):
        self.section_level1.parent_id = self.section_auto
        self._open_cases(self.member_a, 1)
        self._open_cases(self.member_c, 1)
        case = self._create_case(user_id=self.case_user.id)
        case.with_user(self.case_user).action_escalate()
        self.assertEqual(case.section_id, self.section_auto)
        self.assertEqual(case.user_id, self.member_b)

    def test_escalation_into_a_manual_section_gives_the_manager(self):
        case = self._create_case(user_id=self.case_user.id)
        case.with_user(self.case_user).action_escalate()
        self.assertEqual(case.user_id, self.senior_user)

    def test_escalation_nobody_available_gives_the_manager(self):
        self.section_level1.parent_id = self.section_auto
        self.section_auto.assign_max_open = 1
        for member in self.members:
            self._open_cases(member, 1)
        case = self._create_case(user_id=self.case_user.id)
        case.with_user(self.case_user).action_escalate()
        self.assertEqual(case.user_id, self.case_manager)
        self._assert_noted(case)

    def test_escalation_rules_see_the_chosen_member(self):
        self.section_level1.parent_id = self.section_auto
        self.env["crm.case.rule"].create(
            {
                "name": "Mail the new responsible",
                "trg_state_to": "escalate",
                "act_priority": "1",
                "act_remind_user": True,
            }
        )
        case = self._create_case(user_id=self.case_user.id)
        case.with_user(self.case_user).action_escalate()
        self.assertIn(case.user_id, self.members)
        self.assertEqual(case.priority, "1")
        reminders = self.env["mail.mail"].search(
            [("model", "=", "crm.case"), ("res_id", "=", case.id)]
        )
        self.assertEqual(len(reminders), 1)
        self.assertIn(case.user_id.email, reminders.email_to)

    def test_rule_action_assigns_by_the_section_method(self):
        self.env["crm.case.rule"].create(
            {
                "name": "Move to the auto desk",
                "trg_state_from": "none",
                "trg_section_id": self.section_sales.id,
                "act_section_id": self.section_auto.id,
                "act_assign": True,
            }
        )
        self._open_cases(self.member_a, 1)
        self._open_cases(self.member_b, 1)
        case = self._create_case(
            section_id=self.section_sales.id, user_id=self.case_user.id
        )
        self.assertEqual(case.section_id, self.section_auto)
        self.assertEqual(case.user_id, self.member_c)

    def test_rule_action_in_a_manual_section_changes_nothing(self):
        self.env["crm.case.rule"].create(
            {"name": "Assign", "trg_state_from": "none", "act_assign": True}
        )
        case = self._create_case(user_id=self.case_user.id)
        self.assertEqual(case.user_id, self.case_user)

    def test_rule_reassigns_a_batch_without_counting_it(self):
        rule = self.env["crm.case.rule"].create(
            {"name": "Spread", "trg_state_from": "open", "act_assign": True}
        )
        cases = self._new_cases(6, user_id=self.member_a.id)
        cases.write({"state": "open"})
        rule._apply_actions(cases)
        self.assertEqual(
            Counter(case.user_id.id for case in cases),
            Counter({member.id: 2 for member in self.members}),
        )

    def test_rule_refuses_both_responsible_and_assignment(self):
        with self.assertRaises(ValidationError):
            self.env["crm.case.rule"].create(
                {
                    "name": "Both",
                    "act_user_id": self.case_user.id,
                    "act_assign": True,
                }
            )
