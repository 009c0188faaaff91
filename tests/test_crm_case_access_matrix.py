import base64

from lxml import etree

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from ..utils.mail_source import MailSource
from .common import CrmCaseCommon

# Per model, what each kind of user may do: r(ead) w(rite) c(reate) u(nlink).
# A new model of the module fails the test until it is described here.
EXPECTED_ACCESS = {
    "crm.case": {"user": "rwc", "manager": "rwcu", "portal": "r"},
    "crm.case.section": {"user": "r", "manager": "rwcu"},
    "crm.case.categ": {"user": "r", "manager": "rwcu"},
    "crm.case.rule": {"user": "r", "manager": "rwcu"},
    "crm.case.section.menu": {"user": "r", "manager": "rwcu"},
    "crm.case.mail.failure": {"manager": "rwcu"},
    # Counted by the intake itself, with its own cursor: nobody's business.
    "crm.case.mail.attempt": {},
    "crm.case.rule.log": {"user": "r", "manager": "ru"},
    "crm.case.web.request": {"manager": "ru"},
    "crm.case.report": {"user": "r", "manager": "r"},
    "crm.case.report.cell": {"manager": "r"},
    "crm.case.pause": {"user": "r", "manager": "rwcu"},
    "crm.case.sla": {"user": "r", "manager": "rwcu"},
    # Computed by the module only: nobody writes a status by hand.
    "crm.case.sla.status": {"user": "r", "manager": "r"},
    "crm.case.sla.report": {"user": "r", "manager": "r"},
    # Written by the merge and its undo only, as the superuser.
    "crm.case.merge.log": {"user": "r", "manager": "ru"},
    "crm.case.merge.log.line": {"user": "r", "manager": "ru"},
}
OUTSIDERS = ("internal", "portal", "public")
OPERATIONS = {"r": "read", "w": "write", "c": "create", "u": "unlink"}

# Per model, the buttons and RPC-callable actions, and the lowest group that may
# call them. A new button fails the test until it is listed here.
EXPECTED_BUTTONS = {
    "crm.case": {
        "action_open": "user",
        "action_pending": "user",
        "action_close": "user",
        "action_cancel": "user",
        "action_draft": "user",
        "action_escalate": "user",
        "action_historize": "user",
        "action_historize_send": "user",
        "action_view_rule_logs": "user",
        "action_merge": "user",
        "action_undo_merge": "user",
    },
    "crm.case.rule": {
        "action_preview": "manager",
        "action_run_now": "manager",
        "action_view_logs": "manager",
    },
    "crm.case.rule.log": {},
    "crm.case.section": {
        "action_open_cases": "user",
        "action_open_unclosed_cases": "user",
        "action_open_dashboard_cases": "user",
        "action_remove_generated_menus": "manager",
        "action_view_case_report": "user",
    },
    "crm.case.section.menu": {},
    "crm.case.mail.failure": {"action_retry": "manager", "action_release": "manager"},
    "crm.case.mail.attempt": {},
    "crm.case.categ": {},
    "crm.case.web.request": {},
    "res.partner": {"action_view_crm_cases": "user"},
    "res.users": {"action_view_case_report": "user"},
    "crm.case.report": {"action_open_case": "user"},
    "crm.case.sla.report": {"action_open_case": "user"},
    "crm.case.merge.log": {"action_undo": "user"},
    "crm.case.merge.log.line": {},
}


@tagged("crm_case", "post_install", "-at_install")
class TestCrmCaseAccessMatrix(CrmCaseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = {
            "user": cls.case_user,
            "manager": cls.case_manager,
            "internal": cls.internal_user,
            "portal": mail_new_test_user(
                cls.env, login="matrix_portal", groups="base.group_portal"
            ),
            "public": mail_new_test_user(
                cls.env, login="matrix_public", groups="base.group_public"
            ),
        }

    def _module_models(self, own=True):
        """Models the module creates (``own``) or only extends."""
        data = self.env["ir.model.data"].search(
            [("module", "=", "crm_case"), ("model", "=", "ir.model")]
        )
        models = self.env["ir.model"].browse(data.mapped("res_id")).mapped("model")
        return [
            model
            for model in models
            if not self.env[model]._abstract
            and not self.env[model]._transient
            and (self.env[model]._original_module == "crm_case") == own
        ]

    def test_every_model_is_described(self):
        missing = set(self._module_models()) - set(EXPECTED_ACCESS)
        self.assertFalse(missing, f"models without an access rule: {missing}")

    def test_acl_matrix(self):
        Access = self.env["ir.model.access"]
        for model, expected in EXPECTED_ACCESS.items():
            for kind, user in self.users.items():
                allowed = expected.get(kind, "")
                for letter, operation in OPERATIONS.items():
                    with self.subTest(model=model, user=kind, operation=operation):
                        granted = Access.with_user(user).check(
                            model, operation, raise_exception=False
                        )
                        self.assertEqual(granted, letter in allowed)

    def _view_buttons(self, model):
        """Object buttons in the module's own views of ``model``."""
        data = self.env["ir.model.data"].search(
            [("module", "=", "crm_case"), ("model", "=", "ir.ui.view")]
        )
        views = self.env["ir.ui.view"].browse(data.mapped("res_id"))
        names = set()
        for view in views.filtered(lambda view: view.model == model):
            arch = etree.fromstring(view.arch_db)
            names.update(arch.xpath("//button[@type='object']/@name"))
        return names

    def _module_actions(self, model):
        """The ``action_*`` methods the module itself defines on ``model``."""
        return {
            name
            for cls in type(self.env[model]).__mro__
            if cls.__module__.startswith("odoo.addons.crm_case.")
            for name, member in vars(cls).items()
            if name.startswith("action_") and callable(member)
        }

    def test_every_button_is_described(self):
        for model in self._module_models() + self._module_models(own=False):
            described = set(EXPECTED_BUTTONS.get(model, {}))
            found = self._module_actions(model) | self._view_buttons(model)
            with self.subTest(model=model):
                self.assertFalse(
                    found - described, f"buttons without a rule: {found - described}"
                )

    def test_outsiders_cannot_press_buttons(self):
        # A policy on the case's section gives it a line of service level figures.
        self.env["crm.case.sla"].create(
            {
                "name": "Matrix policy",
                "section_id": self.section_level1.id,
                "target_type": "resolution",
                "target_hours": 8,
            }
        )
        case = self._create_case()
        self.env.flush_all()
        sla_line = self.env["crm.case.sla.report"].search([("case_id", "=", case.id)])
        self.assertEqual(len(sla_line), 1)
        records = {
            "crm.case": case,
            "crm.case.section": self.section_level1,
            "crm.case.categ": self.categ_fault,
            "res.partner": self.customer_company,
            "crm.case.rule": self.env["crm.case.rule"].create({"name": "Matrix"}),
            "crm.case.rule.log": self.env["crm.case.rule.log"],
            "crm.case.merge.log": self.env["crm.case.merge.log"],
            "crm.case.report": self.env["crm.case.report"].browse(case.id),
            "crm.case.sla.report": sla_line,
            "res.users": self.case_user,
            "crm.case.mail.failure": self.env["crm.case.mail.failure"].create(
                {"raw_message": base64.b64encode(b"Subject: matrix"), "error": "x"}
            ),
        }
        for model, buttons in EXPECTED_BUTTONS.items():
            for button in buttons:
                for kind in OUTSIDERS:
                    with self.subTest(model=model, button=button, user=kind):
                        record = records[model].with_user(self.users[kind])
                        with self.assertRaises(AccessError):
                            getattr(record, button)()

    def test_other_company_sees_nothing(self):
        """A case user and a case manager of company B neither read nor write
        what belongs to company A, whatever the model."""
        company_b = self.env["res.company"].create({"name": "Matrix Company B"})
        users_b = {
            kind: mail_new_test_user(
                self.env,
                login=f"matrix_b_{kind}",
                groups=f"base.group_user,crm_case.group_crm_case_{kind}",
                company_id=company_b.id,
                company_ids=[(6, 0, company_b.ids)],
            )
            for kind in ("user", "manager")
        }
        rule = self.env["crm.case.rule"].create(
            {"name": "Matrix A", "trg_state_to": "open", "act_priority": "1"}
        )
        case = self._create_case()
        case.action_open()
        server = self.env["fetchmail.server"].create(
            {
                "name": "Matrix A server",
                "server_type": "imap",
                "server": "localhost",
                "object_id": self.env["ir.model"]._get_id("crm.case"),
                "crm_case_section_id": self.section_level1.id,
            }
        )
        failure = self.env["crm.case.mail.failure"]._record_failure(
            b"Subject: Matrix A\n\nbody",
            ValueError("matrix"),
            MailSource.from_server(server),
        )
        self.env["crm.case.section.menu.create"].create(
            {
                "section_id": self.section_level1.id,
                "base_name": "Matrix A",
                "parent_menu_id": self.env.ref("crm_case.crm_case_menu_root").id,
            }
        ).action_create_menus()
        menu_line = self.section_level1.generated_menu_ids.filtered(
            lambda line: line.key == "root"
        )
        records = {
            "crm.case": (case, {"name": "Taken"}),
            "crm.case.section": (self.section_level1, {"name": "Taken"}),
            "crm.case.categ": (self.categ_fault, {"name": "Taken"}),
            "crm.case.rule": (rule, {"name": "Taken"}),
            "crm.case.rule.log": (rule.log_ids, {"error": "Taken"}),
            "crm.case.mail.failure": (failure, {"error": "Taken"}),
            "crm.case.section.menu": (menu_line, {"base_name": "Taken"}),
        }
        for model, (record, values) in records.items():
            self.assertEqual(len(record), 1, model)
            self.assertEqual(record.company_id, self.company, model)
            # The managers of company A see it: the refusals below are the
            # company's doing.
            self.assertEqual(
                self.env[model]
                .with_user(self.case_manager)
                .search([("id", "=", record.id)]),
                record,
            )
            for kind, user in users_b.items():
                with self.subTest(model=model, user=kind):
                    self.assertFalse(self._visible(model, user, record))
                    with self.assertRaises(AccessError):
                        record.with_user(user).read(["create_date"])
                    with self.assertRaises(AccessError):
                        record.with_user(user).write(values)
        # The statistics' partial sums, readable by managers only.
        cells_of_a = [("company_id", "=", self.company.id)]
        Cell = self.env["crm.case.report.cell"]
        self.assertTrue(Cell.with_user(self.case_manager).search(cells_of_a))
        self.assertFalse(Cell.with_user(users_b["manager"]).search(cells_of_a))
        with self.assertRaises(Exception) as caught:
            self.env["crm.case"].with_user(users_b["user"]).create(
                {"name": "Into A", "section_id": self.section_level1.id}
            )
        self.assertIsInstance(caught.exception, (AccessError, UserError))

    def _visible(self, model, user, record):
        """``record`` as ``user`` finds it: empty when the records of the
        model or this one are out of the user's reach."""
        try:
            return self.env[model].with_user(user).search([("id", "=", record.id)])
        except AccessError:
            return self.env[model]
