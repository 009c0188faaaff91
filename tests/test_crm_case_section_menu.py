from datetime import datetime

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.mail.tests.common import mail_new_test_user

from .. import uninstall_hook
from .common import CrmCaseCommon

ENTRY_LABELS = [
    "All",
    "My",
    "My Unclosed",
    "My Open",
    "My Pending",
    "My Draft",
    "My Late",
    "Unassigned",
    "Late",
    "Cancelled",
    "SLA At Risk",
    "SLA Breached",
]


@tagged("post_install", "-at_install", "crm_case", "crm_case_menu")
class TestCrmCaseSectionMenu(CrmCaseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Menu = cls.env["ir.ui.menu"]
        cls.crm_menu = cls.env.ref("crm_case.crm_case_menu_root")
        # The sales and purchase apps are not installed: stand-in parents.
        cls.sales_menu = Menu.create({"name": "Sales Management"})
        cls.purchase_menu = Menu.create({"name": "Purchase Management"})
        Section = cls.env["crm.case.section"]
        cls.section_quality = Section.create({"name": "Quality", "code": "qual"})
        cls.section_meeting = Section.create({"name": "Meeting Calendar"})
        cls.user_group = cls.env.ref("crm_case.group_crm_case_user")
        cls.manager_group = cls.env.ref("crm_case.group_crm_case_manager")

    def _run_wizard(self, section, base_name, parent, **views):
        wizard_form = Form(
            self.env["crm.case.section.menu.create"].with_user(self.case_manager)
        )
        wizard_form.section_id = section
        wizard_form.base_name = base_name
        wizard_form.parent_menu_id = parent
        for field_name, value in views.items():
            setattr(wizard_form, field_name, value)
        wizard = wizard_form.save()
        action = wizard.action_create_menus()
        self.assertEqual(action["tag"], "reload")
        return section.generated_menu_ids.filtered(
            lambda line: line.base_name == base_name
        )

    def _count_menus(self):
        Menu = self.env["ir.ui.menu"].with_context(**{"ir.ui.menu.full_list": True})
        return Menu.search_count([])

    def _lines_by_key(self, lines):
        return {line.key: line for line in lines}

    def _eval_domain(self, action, user):
        return safe_eval(action.domain, {"uid": user.id})

    def _assert_tree(self, lines, section, base_name, parent, view_types):
        by_key = self._lines_by_key(lines)
        root = by_key["root"].menu_id
        self.assertEqual(root.name, base_name)
        self.assertEqual(root.parent_id, parent)
        self.assertEqual(root.groups_id, self.user_group | self.manager_group)
        children = root.child_id.sorted("sequence")
        self.assertEqual(
            children.mapped("name"),
            [f"{label} {base_name}" for label in ENTRY_LABELS],
        )
        for line in lines - by_key["root"]:
            menu, action = line.menu_id, line.action_id
            self.assertEqual(menu.parent_id, root)
            self.assertEqual(menu.action, action)
            self.assertEqual(menu.groups_id, self.user_group | self.manager_group)
            self.assertEqual(action.res_model, "crm.case")
            self.assertEqual(action.name, menu.name)
            self.assertEqual(
                self._eval_domain(action, self.case_user)[0],
                ("section_id", "child_of", section.id),
            )
            self.assertEqual(
                safe_eval(action.context), {"default_section_id": section.id}
            )
            self.assertEqual(action.view_mode, ",".join(view_types))
            self.assertEqual(
                action.view_ids.sorted("sequence").mapped("view_mode"), view_types
            )
            self.assertEqual(
                action.view_ids.view_id.mapped("model"),
                ["crm.case"] * len(view_types),
            )

    # ------------------------------------------------------------
    # The seed's table
    # ------------------------------------------------------------

    def test_seed_menus(self):
        seed = [
            ("Business Opportunities", self.section_sales, self.sales_menu),
            ("Support L1", self.section_level1, self.crm_menu),
            ("Support L2", self.section_level2, self.crm_menu),
            ("Quality Problems", self.section_quality, self.purchase_menu),
        ]
        for base_name, section, parent in seed:
            lines = self._run_wizard(section, base_name, parent)
            self.assertEqual(len(lines), 13)
            self._assert_tree(
                lines, section, base_name, parent, ["list", "form", "calendar"]
            )
        opportunities = self._lines_by_key(self.section_sales.generated_menu_ids)
        self.assertEqual(
            opportunities["my"].menu_id.complete_name,
            "Sales Management/Business Opportunities/My Business Opportunities",
        )
        # The generated names can be translated like any menu name.
        self.assertTrue(self.env["ir.ui.menu"]._fields["name"].translate)

    def test_domains_match_their_labels(self):
        lines = self._run_wizard(self.section_level2, "Support L2", self.crm_menu)
        by_key = self._lines_by_key(lines)
        other_section = self.section_sales
        with freeze_time("2026-03-10 12:00:00"):
            past = datetime(2026, 3, 9, 9, 0)
            future = datetime(2026, 3, 11, 9, 0)
            cases = {
                "my_draft": self._create_case(name="my draft"),
                "my_open_late": self._create_case(
                    name="my open late", section_id=self.section_level2.id
                ),
                "my_pending": self._create_case(name="my pending"),
                "my_cancel": self._create_case(name="my cancel", date_deadline=past),
                "my_done_late": self._create_case(name="my done", date_deadline=past),
                "unassigned": self._create_case(name="unassigned", user_id=False),
                "other_user": self._create_case(
                    name="other user", user_id=self.senior_user.id
                ),
                "other_section": self._create_case(
                    name="other section", section_id=other_section.id
                ),
            }
            cases["my_open_late"].write({"date_deadline": past})
            cases["my_open_late"].action_open()
            cases["my_pending"].write({"date_deadline": future})
            cases["my_pending"].action_open()
            cases["my_pending"].action_pending()
            cases["my_cancel"].action_cancel()
            cases["my_done_late"].action_open()
            cases["my_done_late"].action_close()
            expected = {
                "all": set(cases) - {"other_section"},
                "my": {
                    "my_draft",
                    "my_open_late",
                    "my_pending",
                    "my_cancel",
                    "my_done_late",
                },
                "my_unclosed": {"my_draft", "my_open_late", "my_pending"},
                "my_open": {"my_open_late"},
                "my_pending": {"my_pending"},
                "my_draft": {"my_draft"},
                "my_late": {"my_open_late"},
                "unassigned": {"unassigned"},
                "late": {"my_open_late"},
                "cancel": {"my_cancel"},
            }
            Case = self.env["crm.case"].with_user(self.case_user)
            for key, names in expected.items():
                action = by_key[key].action_id
                found = Case.search(self._eval_domain(action, self.case_user))
                self.assertEqual(
                    found,
                    self.env["crm.case"].union(*(cases[name] for name in names)),
                    f"domain of {key}",
                )

    def test_meeting_calendar_first(self):
        lines = self._run_wizard(
            self.section_meeting,
            "Meetings",
            self.crm_menu,
            view_kanban=True,
            first_view="calendar",
        )
        self._assert_tree(
            lines,
            self.section_meeting,
            "Meetings",
            self.crm_menu,
            ["calendar", "list", "form", "kanban"],
        )
        action = self._lines_by_key(lines)["all"].action_id
        self.assertEqual(
            action.view_ids[0].view_id, self.env.ref("crm_case.crm_case_view_calendar")
        )
        # The case created from the menu lands in the meeting section.
        case = (
            self.env["crm.case"]
            .with_user(self.case_user)
            .with_context(**safe_eval(action.context))
            .create({"name": "Weekly meeting"})
        )
        self.assertEqual(case.section_id, self.section_meeting)

    # ------------------------------------------------------------
    # Running again, removing
    # ------------------------------------------------------------

    def test_rerun_updates_and_keeps_personal_changes(self):
        lines = self._run_wizard(self.section_sales, "Opportunities", self.crm_menu)
        by_key = self._lines_by_key(lines)
        menu_count = self._count_menus()
        action_count = self.env["ir.actions.act_window"].search_count([])
        # A user renames the My menu and moves the Late one elsewhere.
        by_key["my"].menu_id.name = "Mine"
        by_key["late"].menu_id.parent_id = self.sales_menu
        lines_again = self._run_wizard(
            self.section_sales,
            "Opportunities",
            self.crm_menu,
            view_pivot=True,
            first_view="pivot",
        )
        self.assertEqual(lines_again, lines)
        self.assertEqual(self._count_menus(), menu_count)
        self.assertEqual(
            self.env["ir.actions.act_window"].search_count([]), action_count
        )
        self.assertEqual(by_key["my"].menu_id.name, "Mine")
        # No external id: a module update never rewrites the generated records.
        for records in (lines.menu_id, lines.action_id):
            self.assertFalse(any(records.get_external_id().values()))
        self.assertEqual(by_key["late"].menu_id.parent_id, self.sales_menu)
        self.assertEqual(by_key["all"].action_id.view_mode, "pivot,list,form,calendar")
        # Choosing another parent in the wizard moves the base menu there.
        self._run_wizard(self.section_sales, "Opportunities", self.sales_menu)
        self.assertEqual(by_key["root"].menu_id.parent_id, self.sales_menu)

    def test_generated_names_are_translatable(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        lines = self._run_wizard(self.section_sales, "Opportunities", self.crm_menu)
        my_menu = self._lines_by_key(lines)["my"].menu_id
        my_menu.with_context(lang="fr_FR").name = "Mes opportunités"
        self.assertEqual(my_menu.with_context(lang="fr_FR").name, "Mes opportunités")
        self.assertEqual(my_menu.with_context(lang="en_US").name, "My Opportunities")
        self._run_wizard(self.section_sales, "Opportunities", self.crm_menu)
        self.assertEqual(
            my_menu.with_context(lang="fr_FR").name,
            "Mes opportunités",
            "running the wizard again keeps the translation",
        )

    def test_rerun_recreates_deleted_menu(self):
        lines = self._run_wizard(self.section_sales, "Opportunities", self.crm_menu)
        by_key = self._lines_by_key(lines)
        by_key["my"].menu_id.unlink()
        self.assertFalse(by_key["my"].exists())
        # The base menu deleted by hand: its entries come back under a new one.
        by_key["root"].menu_id.unlink()
        lines = self._run_wizard(self.section_sales, "Opportunities", self.crm_menu)
        self.assertEqual(len(lines), 13)
        self._assert_tree(
            lines,
            self.section_sales,
            "Opportunities",
            self.crm_menu,
            ["list", "form", "calendar"],
        )

    def test_remove_generated_menus(self):
        lines = self._run_wizard(self.section_sales, "Opportunities", self.crm_menu)
        menus, actions = lines.menu_id, lines.action_id
        self.assertEqual(len(actions), 12)
        self.section_sales.with_user(self.case_manager).action_remove_generated_menus()
        self.assertFalse(menus.exists())
        self.assertFalse(actions.exists())
        self.assertFalse(self.section_sales.generated_menu_ids)

    def test_deleting_section_removes_menus(self):
        section = self.env["crm.case.section"].create({"name": "Short-lived"})
        lines = self._run_wizard(section, "Short-lived", self.crm_menu)
        menus, actions = lines.menu_id, lines.action_id
        section.unlink()
        self.assertFalse(menus.exists())
        self.assertFalse(actions.exists())

    def test_uninstall_removes_every_generated_menu(self):
        lines = self._run_wizard(self.section_sales, "Opportunities", self.crm_menu)
        lines |= self._run_wizard(self.section_level1, "Support L1", self.crm_menu)
        menus, actions = lines.menu_id, lines.action_id
        uninstall_hook(self.env)
        self.assertFalse(menus.exists())
        self.assertFalse(actions.exists())
        self.assertFalse(self.env["crm.case.section.menu"].search([]))
        self.assertTrue(self.crm_menu.exists())

    # ------------------------------------------------------------
    # Refused input
    # ------------------------------------------------------------

    def _assert_refused(self, message, **values):
        values = {
            "section_id": self.section_sales.id,
            "base_name": "Opportunities",
            "parent_menu_id": self.sales_menu.id,
            **values,
        }
        wizard = (
            self.env["crm.case.section.menu.create"]
            .with_user(self.case_manager)
            .create(values)
        )
        menu_count = self._count_menus()
        action_count = self.env["ir.actions.act_window"].search_count([])
        line_count = self.env["crm.case.section.menu"].search_count([])
        with self.assertRaisesRegex(UserError, message):
            wizard.action_create_menus()
        self.assertEqual(self._count_menus(), menu_count)
        self.assertEqual(
            self.env["ir.actions.act_window"].search_count([]), action_count
        )
        self.assertEqual(self.env["crm.case.section.menu"].search_count([]), line_count)
        return wizard

    def test_refuse_no_view(self):
        self._assert_refused(
            "Select at least one view",
            view_list=False,
            view_form=False,
            view_calendar=False,
        )

    def test_refuse_first_view_not_selected(self):
        self._assert_refused("is not among the views", first_view="graph")

    def test_refuse_archived_parent(self):
        self.sales_menu.active = False
        self._assert_refused("is archived")

    def test_refuse_deleted_parent(self):
        parent = self.env["ir.ui.menu"].create({"name": "Doomed"})
        parent_id = parent.id
        parent.unlink()
        menu_count = self._count_menus()
        with self.assertRaisesRegex(UserError, "parent menu was deleted"):
            self.env["crm.case.section.menu.create"].with_user(
                self.case_manager
            ).create(
                {
                    "section_id": self.section_sales.id,
                    "base_name": "Opportunities",
                    "parent_menu_id": parent_id,
                }
            )
        self.assertEqual(self._count_menus(), menu_count)
        self.assertFalse(self.section_sales.generated_menu_ids)
        # Cleared afterwards (the wizard's parent was deleted): refused too.
        wizard = self.env["crm.case.section.menu.create"].create(
            {"section_id": self.section_sales.id, "base_name": "Opportunities"}
        )
        wizard.parent_menu_id = False
        with self.assertRaisesRegex(UserError, "parent menu was deleted"):
            wizard.action_create_menus()

    def test_refuse_base_name_of_another_section(self):
        self._run_wizard(self.section_quality, "Opportunities", self.sales_menu)
        self._assert_refused("was already generated for the section Quality")
        # The same name under another parent is fine.
        lines = self._run_wizard(self.section_sales, "Opportunities", self.crm_menu)
        self.assertEqual(len(lines), 13)

    # ------------------------------------------------------------
    # Access
    # ------------------------------------------------------------

    def test_only_managers_run_the_wizard(self):
        with self.assertRaises(AccessError):
            self.env["crm.case.section.menu.create"].with_user(self.case_user).create(
                {
                    "section_id": self.section_sales.id,
                    "base_name": "Sneaky",
                    "parent_menu_id": self.crm_menu.id,
                }
            )
        lines = self._run_wizard(self.section_sales, "Opportunities", self.crm_menu)
        with self.assertRaises(AccessError):
            self.section_sales.with_user(self.case_user).action_remove_generated_menus()
        with self.assertRaises(AccessError):
            lines.with_user(self.case_user).unlink()
        self.assertEqual(len(lines.exists()), 13)
        wizard_menu = self.env.ref("crm_case.crm_case_section_menu_create_menu")
        visible = self.env["ir.ui.menu"].with_user(self.case_user)._visible_menu_ids()
        self.assertNotIn(wizard_menu.id, visible)
        visible = (
            self.env["ir.ui.menu"].with_user(self.case_manager)._visible_menu_ids()
        )
        self.assertIn(wizard_menu.id, visible)

    def test_generated_menus_visible_to_case_users_only(self):
        lines = self._run_wizard(self.section_sales, "Opportunities", self.crm_menu)
        my_menu = self._lines_by_key(lines)["my"].menu_id
        for user in (self.case_user, self.case_manager):
            visible = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
            self.assertIn(my_menu.id, visible)
        visible = (
            self.env["ir.ui.menu"].with_user(self.internal_user)._visible_menu_ids()
        )
        self.assertNotIn(my_menu.id, visible)

    def test_manager_without_admin_rights_sees_only_visible_parents(self):
        hidden = self.env["ir.ui.menu"].create(
            {
                "name": "Admins Only",
                "groups_id": [
                    fields.Command.set(self.env.ref("base.group_system").ids)
                ],
            }
        )
        parents = self.env["ir.ui.menu"].with_user(self.case_manager).search([])
        self.assertIn(self.crm_menu, parents)
        self.assertNotIn(hidden, parents)


@tagged("post_install", "-at_install", "crm_case", "crm_case_menu")
class TestCrmCaseSectionDashboard(CrmCaseCommon):
    @freeze_time("2026-03-10 12:00:00")
    def test_dashboard_counts_and_links(self):
        past = datetime(2026, 3, 1)
        opened = self._create_case(name="opened")
        opened.action_open()
        late = self._create_case(
            name="late", date_deadline=past, section_id=self.section_level2.id
        )
        late.action_open()
        late.action_pending()
        self._create_case(name="unassigned", user_id=False)
        done_late = self._create_case(name="done late", date_deadline=past)
        done_late.action_open()
        done_late.action_close()
        level2 = self.section_level2.with_user(self.case_user)
        level1 = self.section_level1.with_user(self.case_user)
        # Level 2 counts the cases of its sub-section Level 1 too.
        self.assertEqual(
            (
                level2.dashboard_open_count,
                level2.dashboard_pending_count,
                level2.dashboard_late_count,
                level2.dashboard_unassigned_count,
            ),
            (1, 1, 1, 1),
        )
        self.assertEqual(
            (level1.dashboard_open_count, level1.dashboard_late_count), (1, 0)
        )
        Case = self.env["crm.case"].with_user(self.case_user)
        for key, expected in (("open", opened), ("late", late)):
            action = level2.with_context(case_filter=key).action_open_dashboard_cases()
            self.assertEqual(Case.search(action["domain"]), expected)
            self.assertEqual(
                action["context"], {"default_section_id": self.section_level2.id}
            )
        with self.assertRaisesRegex(UserError, "Unknown case counter"):
            level2.with_context(case_filter="bogus").action_open_dashboard_cases()

    @freeze_time("2026-03-10 12:00:00")
    def test_is_late(self):
        late = self._create_case(date_deadline=datetime(2026, 3, 10, 11, 0))
        on_time = self._create_case(date_deadline=datetime(2026, 3, 10, 13, 0))
        no_deadline = self._create_case()
        cases = late | on_time | no_deadline
        self.assertEqual(cases.filtered("is_late"), late)
        Case = self.env["crm.case"].with_user(self.case_user)
        self.assertEqual(
            Case.search([("id", "in", cases.ids), ("is_late", "=", True)]), late
        )
        self.assertEqual(
            Case.search([("id", "in", cases.ids), ("is_late", "=", False)]),
            on_time | no_deadline,
        )
        late.action_cancel()
        self.assertFalse(late.is_late)
        with self.assertRaisesRegex(UserError, "Search the late cases"):
            Case.search([("is_late", "in", [True])])


@tagged("post_install", "-at_install", "crm_case")
class TestCrmCaseActivity(CrmCaseCommon):
    def test_schedule_call_on_case(self):
        agent = mail_new_test_user(
            self.env,
            login="activity_agent",
            name="Activity Agent",
            groups="base.group_user,crm_case.group_crm_case_user",
        )
        case = self._create_case(name="Call back the customer")
        activity = case.with_user(agent).activity_schedule(
            "mail.mail_activity_data_call",
            summary="Call about the printer",
            user_id=agent.id,
        )
        self.assertEqual(case.activity_ids, activity)
        self.assertEqual(case.activity_user_id, agent)
        views = self.env["crm.case"].with_user(agent).get_views([(False, "activity")])
        self.assertIn("activity", views["views"])
        data = (
            self.env["mail.activity"]
            .with_user(agent)
            .get_activity_data("crm.case", [("id", "=", case.id)])
        )
        self.assertIn(case.id, data["grouped_activities"])
