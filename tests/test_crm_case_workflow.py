from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import CrmCaseCommon

# (button method, states it accepts, resulting state)
TRANSITIONS = [
    ("action_open", {"draft", "pending"}, "open"),
    ("action_pending", {"open"}, "pending"),
    ("action_close", {"open", "pending"}, "done"),
    ("action_cancel", {"draft", "open", "pending"}, "cancel"),
    ("action_draft", {"done", "cancel"}, "draft"),
]
ALL_STATES = ["draft", "open", "pending", "done", "cancel"]


@tagged("crm_case")
class TestCrmCaseWorkflow(CrmCaseCommon):
    def _case_in_state(self, state):
        case = self._create_case(name=f"Case {state}")
        # Reach the state through the buttons, as a user would.
        path = {
            "draft": [],
            "open": ["action_open"],
            "pending": ["action_open", "action_pending"],
            "done": ["action_open", "action_close"],
            "cancel": ["action_cancel"],
        }[state]
        for method in path:
            getattr(case, method)()
        self.assertEqual(case.state, state)
        return case

    def test_defaults(self):
        case = self._create_case()
        self.assertEqual(case.state, "draft")
        self.assertEqual(case.priority, "3")
        self.assertEqual(case.user_id, self.case_user)
        self.assertTrue(case.date)
        self.assertEqual(case.company_id, self.section_level1.company_id)

    def test_every_transition_allowed_and_refused(self):
        for method, sources, target in TRANSITIONS:
            for state in ALL_STATES:
                with self.subTest(method=method, state=state):
                    case = self._case_in_state(state)
                    if state in sources:
                        getattr(case, method)()
                        self.assertEqual(case.state, target)
                    else:
                        with self.assertRaisesRegex(UserError, "cannot be set to"):
                            getattr(case, method)()
                        self.assertEqual(
                            case.state, state, "a refused button changes nothing"
                        )

    def test_refused_transition_names_the_state(self):
        case = self._case_in_state("cancel")
        with self.assertRaisesRegex(UserError, "Closed because it is Cancelled"):
            case.action_close()
        draft = self._case_in_state("draft")
        with self.assertRaisesRegex(UserError, "Pending because it is Draft"):
            draft.action_pending()

    def test_refused_transition_on_several_cases_changes_none(self):
        draft = self._case_in_state("draft")
        cancelled = self._case_in_state("cancel")
        with self.assertRaises(UserError):
            (draft | cancelled).action_open()
        self.assertEqual(draft.state, "draft")

    @freeze_time("2026-03-01 10:00:00")
    def test_open_sets_date_and_responsible_when_empty(self):
        unassigned = self._create_case(user_id=False)
        assigned = self._create_case(user_id=self.senior_user.id)
        (unassigned | assigned).action_open()
        self.assertEqual(unassigned.user_id, self.case_user, "the user who opens it")
        self.assertEqual(assigned.user_id, self.senior_user, "kept per case")
        self.assertEqual(str(unassigned.date_open), "2026-03-01 10:00:00")

    def test_close_sets_date_closed_and_reset_clears_it(self):
        case = self._case_in_state("open")
        with freeze_time("2026-03-05 16:30:00"):
            case.action_close()
        self.assertEqual(str(case.date_closed), "2026-03-05 16:30:00")
        case.action_draft()
        self.assertFalse(case.date_closed)
        self.assertEqual(case.state, "draft")

    def test_state_changes_are_tracked(self):
        case = self._case_in_state("draft")
        # Changes in the transaction that created the case are not tracked.
        self.flush_tracking()
        case.action_open()
        self.flush_tracking()
        tracked = self.env["mail.tracking.value"].search(
            [
                ("mail_message_id.model", "=", "crm.case"),
                ("mail_message_id.res_id", "=", case.id),
                ("field_id.name", "=", "state"),
            ]
        )
        self.assertTrue(tracked)
        self.assertEqual(tracked[0].new_value_char, "Open")

    def test_escalate_to_parent_section(self):
        case = self._case_in_state("open")
        case.action_escalate()
        self.assertEqual(case.section_id, self.section_level2)
        self.assertEqual(case.user_id, self.senior_user, "the parent's manager")
        self.assertEqual(case.state, "open", "escalation keeps the state")
        notes = case.message_ids.mapped("body")
        self.assertTrue(
            any(
                "Escalated from Level 2 / Level 1 to Level 2" in body for body in notes
            ),
            notes,
        )

    def test_escalate_to_parent_without_manager_unassigns(self):
        self.section_level2.user_id = False
        case = self._case_in_state("draft")
        case.action_escalate()
        self.assertFalse(case.user_id)

    def test_escalate_without_parent_is_refused(self):
        case = self._create_case(section_id=self.section_level2.id)
        with self.assertRaisesRegex(UserError, "has no parent section"):
            case.action_escalate()
        self.assertEqual(case.section_id, self.section_level2)

    def test_escalate_closed_case_is_refused(self):
        for state in ("done", "cancel"):
            case = self._case_in_state(state)
            with self.assertRaisesRegex(UserError, "closed or cancelled"):
                case.action_escalate()
            self.assertEqual(case.section_id, self.section_level1)

    def test_category_of_another_section_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "belongs to the section"):
            self._create_case(categ_id=self.categ_sales.id)
        case = self._create_case(categ_id=self.categ_fault.id)
        with self.assertRaisesRegex(ValidationError, "belongs to the section"):
            case.section_id = self.section_sales

    def test_escalate_keeps_the_category_of_the_sub_section(self):
        case = self._case_in_state("open")
        case.categ_id = self.categ_fault
        case.action_escalate()
        self.assertEqual(case.section_id, self.section_level2)
        self.assertEqual(case.categ_id, self.categ_fault)
        with self.assertRaisesRegex(ValidationError, "belongs to the section"):
            self._create_case(
                section_id=self.section_sales.id, categ_id=self.categ_fault.id
            )

    def test_copy_resets_state(self):
        case = self._case_in_state("done")
        duplicate = case.copy()
        self.assertEqual(duplicate.state, "draft")
        self.assertFalse(duplicate.date_closed)
        self.assertEqual(duplicate.name, f"{case.name} (copy)")

    def test_priority_sorting_puts_highest_first(self):
        low = self._create_case(name="low", priority="5")
        highest = self._create_case(name="highest", priority="1")
        normal = self._create_case(name="normal", priority="3")
        cases = self.env["crm.case"].search(
            [("id", "in", (low | highest | normal).ids)]
        )
        self.assertEqual(cases.mapped("name"), ["highest", "normal", "low"])
