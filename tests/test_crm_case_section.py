from psycopg2.errors import UniqueViolation

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import CrmCaseCommon


@tagged("crm_case")
class TestCrmCaseSection(CrmCaseCommon):
    def test_complete_name_follows_the_tree(self):
        self.assertEqual(self.section_level1.complete_name, "Level 2 / Level 1")
        self.section_level2.name = "Support Level 2"
        self.assertEqual(self.section_level1.complete_name, "Support Level 2 / Level 1")
        self.assertEqual(self.section_level1.display_name, "Support Level 2 / Level 1")

    def test_section_cannot_be_its_own_ancestor(self):
        with self.assertRaisesRegex(ValidationError, "cannot be its own parent"):
            self.section_level2.parent_id = self.section_level1
        with self.assertRaisesRegex(ValidationError, "cannot be its own parent"):
            self.section_level2.parent_id = self.section_level2

    def test_parent_created_from_child_form(self):
        """The seed defines Support Level 1 first and its parent on the way."""
        with Form(self.env["crm.case.section"].with_user(self.case_manager)) as form:
            form.name = "Child First"
            form.parent_id = (
                self.env["crm.case.section"]
                .with_user(self.case_manager)
                .create({"name": "Parent Later"})
            )
        self.assertEqual(form.record.complete_name, "Parent Later / Child First")

    @mute_logger("odoo.sql_db")
    def test_code_unique_per_company(self):
        other_company = self.env["res.company"].create({"name": "Other Co"})
        self.env["crm.case.section"].create(
            {
                "name": "Same code elsewhere",
                "code": "l1",
                "company_id": other_company.id,
            }
        )
        with self.assertRaises(UniqueViolation), self.cr.savepoint():
            self.env["crm.case.section"].create({"name": "Duplicate", "code": "l1"})

    def test_case_counts_and_open_action(self):
        self._create_case()
        closed = self._create_case(name="Closed one")
        closed.action_open()
        closed.action_close()
        self._create_case(section_id=self.section_level2.id)
        section = self.section_level1.with_user(self.case_user)
        self.assertEqual(section.case_count, 2)
        self.assertEqual(section.open_case_count, 1)
        action = self.section_level2.with_user(self.case_user).action_open_cases()
        cases = self.env["crm.case"].search(action["domain"])
        self.assertEqual(len(cases), 3, "a section's cases include its sub-sections")
        self.assertEqual(
            action["context"]["default_section_id"], self.section_level2.id
        )
        unclosed = self.env["crm.case"].search(
            self.section_level2.action_open_unclosed_cases()["domain"]
        )
        self.assertNotIn(closed, unclosed)
        self.assertEqual(len(unclosed), 2)

    def test_partner_smart_button_counts_contacts_cases(self):
        self._create_case(partner_id=self.customer_contact.id)
        self._create_case(partner_id=self.customer_company.id)
        partner = self.customer_company.with_user(self.case_user)
        self.assertEqual(partner.crm_case_count, 2)
        self.assertEqual(
            self.customer_contact.with_user(self.case_user).crm_case_count, 1
        )
        action = partner.action_view_crm_cases()
        self.assertEqual(len(self.env["crm.case"].search(action["domain"])), 2)
