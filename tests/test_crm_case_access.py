from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import CrmCaseCommon


@tagged("crm_case")
class TestCrmCaseAccess(CrmCaseCommon):
    def test_user_handles_cases_but_not_configuration(self):
        Case = self.env["crm.case"].with_user(self.case_user)
        case = Case.create({"name": "Mine", "section_id": self.section_level1.id})
        case.write({"priority": "1"})
        self.assertEqual(case.priority, "1")
        self.assertTrue(self.section_level1.with_user(self.case_user).name)
        self.assertTrue(self.categ_fault.with_user(self.case_user).name)
        with self.assertRaises(AccessError):
            case.unlink()
        with self.assertRaises(AccessError):
            self.env["crm.case.section"].with_user(self.case_user).create({"name": "X"})
        with self.assertRaises(AccessError):
            self.section_level1.with_user(self.case_user).write({"name": "Renamed"})
        with self.assertRaises(AccessError):
            self.env["crm.case.categ"].with_user(self.case_user).create({"name": "X"})

    def test_manager_configures(self):
        section = (
            self.env["crm.case.section"]
            .with_user(self.case_manager)
            .create({"name": "Quality Test"})
        )
        categ = (
            self.env["crm.case.categ"]
            .with_user(self.case_manager)
            .create({"name": "Corrective", "section_id": section.id})
        )
        case = (
            self.env["crm.case"]
            .with_user(self.case_manager)
            .create(
                {"name": "Bad screws", "section_id": section.id, "categ_id": categ.id}
            )
        )
        case.unlink()
        categ.unlink()
        section.unlink()
        self.assertFalse(section.exists())

    def test_internal_user_without_group_sees_nothing(self):
        case = self._create_case()
        for model, record in [
            ("crm.case", case),
            ("crm.case.section", self.section_level1),
            ("crm.case.categ", self.categ_fault),
        ]:
            with self.subTest(model=model), self.assertRaises(AccessError):
                record.with_user(self.internal_user).read(["name"])
            with self.subTest(model=model), self.assertRaises(AccessError):
                self.env[model].with_user(self.internal_user).search([])
        with self.assertRaises(AccessError):
            self.env["crm.case"].with_user(self.internal_user).create(
                {"name": "Sneaky", "section_id": self.section_level1.id}
            )
        menu = self.env.ref("crm_case.crm_case_menu_root")
        visible = (
            self.env["ir.ui.menu"].with_user(self.internal_user)._visible_menu_ids()
        )
        self.assertNotIn(menu.id, visible)
        self.assertIn(
            menu.id,
            self.env["ir.ui.menu"].with_user(self.case_user)._visible_menu_ids(),
        )

    def test_configuration_menu_for_managers_only(self):
        menu = self.env.ref("crm_case.crm_case_menu_configuration")
        Menu = self.env["ir.ui.menu"]
        self.assertNotIn(menu.id, Menu.with_user(self.case_user)._visible_menu_ids())
        self.assertIn(menu.id, Menu.with_user(self.case_manager)._visible_menu_ids())

    def test_other_company_cases_are_invisible(self):
        other_company = self.env["res.company"].create({"name": "Other Company"})
        other_section = self.env["crm.case.section"].create(
            {"name": "Other Support", "company_id": other_company.id}
        )
        other_case = self.env["crm.case"].create(
            {"name": "Their case", "section_id": other_section.id}
        )
        self.assertEqual(other_case.company_id, other_company)
        own_case = self._create_case()
        Case = self.env["crm.case"].with_user(self.case_user)
        visible = Case.search([("id", "in", (own_case | other_case).ids)])
        self.assertEqual(visible, own_case)
        with self.assertRaises(AccessError):
            other_case.with_user(self.case_user).read(["name"])
        self.assertFalse(
            self.env["crm.case.section"]
            .with_user(self.case_user)
            .search([("id", "=", other_section.id)])
        )
        both = mail_new_test_user(
            self.env,
            login="both_companies",
            groups="base.group_user,crm_case.group_crm_case_user",
            company_id=other_company.id,
            company_ids=[(6, 0, [other_company.id, self.company.id])],
        )
        self.assertEqual(
            self.env["crm.case"].with_user(both).search([("id", "=", other_case.id)]),
            other_case,
        )
