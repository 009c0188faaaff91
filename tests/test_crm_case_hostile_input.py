from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CrmCaseCommon

BACKTRACKING_TRAPS = [
    r"(a+)+$",
    r"(\w+\s?)+$",
    r"(a|aa)+$",
    r"(.*a){12}",
    r"^(([a-z])+.)+[A-Z]([a-z])+$",
    r"(?i)(x+x+)+y",
]
INJECTIONS = [
    "'; DROP TABLE crm_case; --",
    "%(case_id)s.__class__",
    "{{ object.__class__.__mro__ }}",
    "{{ env['res.users'].sudo().search([]).unlink() }}",
    "__import__('os').system('touch /tmp/crm_case_pwned')",
    "${object.id}",
    "<script>alert(1)</script>",
]


@tagged("crm_case", "crm_case_rule")
class TestCrmCaseHostileInput(CrmCaseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Rule = cls.env["crm.case.rule"]
        cls.Rule.search([]).active = False

    # ------------------------------------------------------------
    # Regular expressions
    # ------------------------------------------------------------

    def test_backtracking_regexes_are_refused_at_save(self):
        for pattern in BACKTRACKING_TRAPS:
            for field in ("regex_name", "regex_history"):
                with (
                    self.subTest(pattern=pattern, field=field),
                    self.assertRaisesRegex(ValidationError, "nested repetition"),
                ):
                    self.Rule.create({"name": "Trap", field: pattern})

    def test_ordinary_regexes_are_accepted(self):
        """Accepted at save, and matched at run time."""
        for pattern, matching in (
            (r"print(er|ing)", "The printer is jammed"),
            (r"(foo|bar)+", "foobar again"),
            (r"^\[\d+\]", "[12] broken screen"),
            (r"a+b+c+", "xaabbcc"),
        ):
            with self.subTest(pattern=pattern):
                rule = self.Rule.create(
                    {
                        "name": "Ok",
                        "trg_state_to": "open",
                        "regex_name": pattern,
                        "act_priority": "1",
                    }
                )
                self.assertEqual(rule.regex_name, pattern)
                hit = self._create_case(name=matching)
                miss = self._create_case(name="Nothing to see here")
                (hit | miss).action_open()
                self.assertEqual((hit.priority, miss.priority), ("1", "3"))
                rule.active = False

    def test_regex_on_a_long_almost_matching_description(self):
        """The classic catastrophic input ends at once with an accepted rule
        (within the bounded text, so that the verdict is the true one)."""
        self.Rule.create(
            {
                "name": "Only a's",
                "trg_state_to": "open",
                "regex_name": r"^a+$",
                "act_priority": "1",
            }
        )
        case = self._create_case(name="a" * 9000 + "b")
        case.action_open()
        self.assertEqual(case.priority, "3")

    def test_trap_stored_before_the_check_is_skipped_at_match_time(self):
        rule = self.Rule.create(
            {"name": "Old trap", "trg_state_to": "open", "act_priority": "1"}
        )
        # As a rule saved before the check existed: straight into the table.
        self.env.cr.execute(
            "UPDATE crm_case_rule SET regex_name = %s WHERE id = %s",
            [r"(a+)+$", rule.id],
        )
        rule.invalidate_recordset()
        case = self._create_case(name="a" * 40 + "b")
        with mute_logger("odoo.addons.crm_case.models.crm_case_rule_engine"):
            case.action_open()
        self.assertEqual(case.priority, "3")
        self.assertFalse(rule.log_ids)

    def test_regex_reads_a_bounded_text(self):
        self.Rule.create(
            {
                "name": "Far word",
                "trg_state_to": "open",
                "regex_name": "needle",
                "act_priority": "1",
            }
        )
        near = self._create_case(name="x" * 100 + "needle")
        far = self._create_case(name="x" * 20000 + "needle")
        (near | far).action_open()
        self.assertEqual((near.priority, far.priority), ("1", "3"))

    # ------------------------------------------------------------
    # Mail bodies
    # ------------------------------------------------------------

    def test_format_tricks_in_mail_body_are_refused(self):
        for body in (
            "%(case_id)999999999s",
            "%(case_description)-999999999s",
            "%(case_id)r",
            "%(case_id)d",
            "%s",
            "%(case_id)s and %.9999f",
        ):
            with (
                self.subTest(body=body),
                self.assertRaisesRegex(ValidationError, "not well formed"),
            ):
                self.Rule.create({"name": "Trick", "act_mail_body": body})

    def test_injections_in_mail_body_stay_text(self):
        Users = self.env["res.users"].with_context(active_test=False)
        users = Users.search([])
        case = self._create_case(
            name="%(case_user_email)s {{ object.id }} <b>bold</b>",
            partner_id=self.customer_contact.id,
        )
        for injection in INJECTIONS:
            with self.subTest(injection=injection):
                rule = self.Rule.create(
                    {
                        "name": "Injection",
                        "act_mail_body": f"Case %(case_id)s: %(case_subject)s "
                        f"{injection.replace('%', '%%')}",
                    }
                )
                html = case._render_rule_mail_body(rule.act_mail_body)
                # The body is text: every character of the injection shows,
                # HTML escaped, and nothing was evaluated.
                self.assertIn(
                    injection.replace("&", "&amp;")
                    .replace("<", "&lt;")
                    .replace(">", "&gt;")
                    .replace("'", "&#39;"),
                    html,
                )
                self.assertIn(f"Case {case.id}:", html)
                # A value that looks like a placeholder is not filled again.
                self.assertIn("%(case_user_email)s {{ object.id }}", html)
                self.assertIn("&lt;b&gt;bold&lt;/b&gt;", html)
                self.assertNotIn("case.user@example.com", html)
        rule = self.Rule.create(
            {"name": "Attribute", "act_mail_body": "%(case_id)s.__class__"}
        )
        self.assertIn(
            f"{case.id}.__class__", case._render_rule_mail_body(rule.act_mail_body)
        )
        # The unlink of every user in one injection was never run.
        self.assertEqual(Users.search([]), users)

    # ------------------------------------------------------------
    # Searches
    # ------------------------------------------------------------

    def test_search_inputs_are_values_not_sql(self):
        case = self._create_case(name="Quote ' inside")
        self.env.cr.execute("SELECT count(*) FROM crm_case")
        case_count = self.env.cr.fetchone()[0]
        Case = self.env["crm.case"].with_user(self.case_user)
        for text in INJECTIONS + ["' OR '1'='1", "%", "_", "\\", "x' ; --"]:
            with self.subTest(text=text):
                for field in ("name", "email_from", "description"):
                    self.assertFalse(
                        Case.search([(field, "=", text)]),
                        "an injected value matches nothing",
                    )
                Case.name_search(text)
                Case.search([("name", "ilike", text)])
        self.assertEqual(Case.search([("name", "ilike", "' inside")]), case)
        self.assertEqual(Case.name_search("Quote '")[0][0], case.id)
        # No search deleted or added a row.
        self.env.cr.execute("SELECT count(*) FROM crm_case")
        self.assertEqual(self.env.cr.fetchone()[0], case_count)

    def test_injections_are_stored_verbatim_and_matched_literally(self):
        Case = self.env["crm.case"].with_user(self.case_user)
        for text in INJECTIONS:
            with self.subTest(text=text):
                self.env.cr.execute("SELECT count(*) FROM crm_case")
                case_count = self.env.cr.fetchone()[0]
                case = self._create_case(name=text)
                case.invalidate_recordset()
                self.assertEqual(case.name, text)
                self.assertEqual(Case.search([("name", "=", text)]), case)
                # The injection added its own case and nothing else.
                self.env.cr.execute("SELECT count(*) FROM crm_case")
                self.assertEqual(self.env.cr.fetchone()[0], case_count + 1)

    def test_order_and_operators_are_checked(self):
        Case = self.env["crm.case"].with_user(self.case_user)
        with self.assertRaisesRegex(UserError, "Invalid"):
            Case.search([], order="id; DELETE FROM crm_case")
        with self.assertRaises(ValueError):
            Case.search([("name", "= 'x' OR 1=1 --", "x")])
        with self.assertRaises(UserError):
            Case.search([("is_late", "ilike", "1'; --")])
