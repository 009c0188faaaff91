from datetime import datetime

from freezegun import freeze_time
from markupsafe import Markup

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CrmCaseCommon

T0 = datetime(2026, 5, 4, 9, 0, 0)
DUE = "2026-05-05 09:00:00"
NOTE_FIELDS = [
    "model",
    "message_type",
    "subtype_id",
    "is_internal",
    "author_id",
    "email_from",
    "reply_to",
    "record_name",
    "email_add_signature",
    "body",
    "create_uid",
]


@tagged("crm_case", "crm_case_rule")
class TestCrmCaseRuleBatch(CrmCaseCommon):
    """The checker fires a time rule on a batch of cases with set-based
    writes: one claim, one write, the history notes in one insert, one
    update of the log; a failing case is set aside alone."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Rule = cls.env["crm.case.rule"]
        # Rules of other tests or demo data must not interfere.
        cls.Rule.search([]).active = False
        cls.rule = cls.Rule.create(
            {
                "name": "Hand over cases a day old",
                "trg_date_type": "create",
                "trg_date_range": 1,
                "act_priority": "1",
                "act_user_id": cls.senior_user.id,
            }
        )

    def _old_case(self, **values):
        # create_date comes from the database clock: freeze it too.
        with self.mock_datetime_and_now(T0):
            case = self._create_case(**values)
            case.action_open()
        return case

    def _check_at(self, when):
        with freeze_time(when):
            self.Rule._cron_check()

    def _due_at(self, when):
        with freeze_time(when):
            return self.rule._get_due_cases()

    def _rule_notes(self, case):
        name = self.rule.name
        return case.message_ids.filtered(lambda m: name in (m.body or ""))

    def _set_batch_size(self, size):
        self.env["ir.config_parameter"].sudo().set_param(
            "crm_case.rule_batch_size", size
        )

    def test_batch_notes_describe_each_case_own_change(self):
        normal = self._old_case(name="normal", priority="3", user_id=self.case_user.id)
        high = self._old_case(name="high", priority="2", user_id=self.case_user.id)
        unassigned = self._old_case(name="unassigned", priority="2", user_id=False)
        unassigned.user_id = False
        already = self._old_case(
            name="already", priority="1", user_id=self.senior_user.id
        )
        self._check_at(DUE)
        expected = {
            normal: [
                "Priority: Normal → Highest",
                "User Responsible: Case User → Senior User",
            ],
            high: [
                "Priority: High → Highest",
                "User Responsible: Case User → Senior User",
            ],
            unassigned: [
                "Priority: High → Highest",
                "User Responsible: / → Senior User",
            ],
        }
        for case, lines in expected.items():
            self.assertEqual(case.priority, "1")
            self.assertEqual(case.user_id, self.senior_user)
            note = self._rule_notes(case)
            self.assertEqual(len(note), 1, case.name)
            for line in lines:
                self.assertIn(line, note.body)
            self.assertEqual(note.message_type, "notification")
            self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))
            self.assertTrue(note.is_internal, "hidden from the portal")
        self.assertNotIn("High →", self._rule_notes(normal).body)
        self.assertNotIn("Normal →", self._rule_notes(high).body)
        self.assertEqual(len(already.rule_log_ids), 1, "fired")
        self.assertFalse(self._rule_notes(already), "nothing changed, nothing noted")

    def test_set_based_notes_are_the_notes_of_message_log_batch(self):
        """The notes inserted in one statement are the messages Odoo's own
        batch log creates, fields and chatter alike."""
        ours = self._old_case(name="ours") | self._old_case(name="ours too")
        theirs = self._old_case(name="theirs") | self._old_case(name="theirs too")
        bodies = [
            Markup("<p>Changed by the rule <b>X</b>:</p><ul><li>a &amp; b</li></ul>"),
            "Plain text: 1 < 2 & <b>not bold</b>",
        ]
        ours_notes = ours.sudo()._log_history_notes(
            dict(zip(ours.ids, bodies, strict=True))
        )
        theirs_notes = theirs.sudo()._message_log_batch(
            dict(zip(theirs.ids, bodies, strict=True))
        )
        self.assertEqual(len(ours_notes), 2)
        self.assertEqual(set(ours_notes.mapped("res_id")), set(ours.ids))
        self.env.invalidate_all()
        for our_note, their_note in zip(
            ours_notes.sorted("res_id"), theirs_notes.sorted("res_id"), strict=True
        ):
            self.assertEqual(
                our_note.read(NOTE_FIELDS)[0] | {"id": 0},
                their_note.read(NOTE_FIELDS)[0] | {"id": 0},
            )
        self.assertIn("<b>X</b>", ours_notes.sorted("res_id")[0].body)
        self.assertIn("&lt;b&gt;not bold", ours_notes.sorted("res_id")[1].body)
        for case, note in zip(ours, ours_notes.sorted("res_id"), strict=True):
            self.assertIn(note, case.message_ids, "shown in the case's chatter")
            self.assertTrue(note.message_id)
        self.assertFalse(ours.sudo()._log_history_notes({}))

    def test_failing_case_is_set_aside_and_the_batch_goes_on(self):
        self.rule.server_action_id = self.env["ir.actions.server"].create(
            {
                "name": "Fails on bad cases",
                "model_id": self.env.ref("crm_case.model_crm_case").id,
                "state": "code",
                "code": "if record.name == 'bad':\n    raise UserError('boom')",
            }
        )
        good = self._old_case(name="good")
        bad = self._old_case(name="bad")
        other = self._old_case(name="other")
        with mute_logger("odoo.addons.crm_case.models.crm_case_rule_engine"):
            self._check_at(DUE)
        for case in good | other:
            self.assertEqual(case.priority, "1")
            self.assertEqual(case.rule_log_ids.state, "done")
            # Replayed alone, the case gets the note a batch writes.
            self.assertIn("Priority: Normal → Highest", self._rule_notes(case).body)
        self.assertEqual(bad.priority, "3", "its changes rolled back")
        self.assertEqual(bad.user_id, self.case_user)
        self.assertFalse(self._rule_notes(bad))
        self.assertEqual(bad.rule_log_ids.state, "failed")
        self.assertIn("boom", bad.rule_log_ids.error)
        # The next run retries the failing case only.
        with mute_logger("odoo.addons.crm_case.models.crm_case_rule_engine"):
            self._check_at("2026-05-05 09:05:00")
        self.assertEqual(bad.rule_log_ids.attempts, 2)
        self.assertEqual(len((good | other).rule_log_ids), 2)
        self.assertEqual(len(self._rule_notes(good)), 1)

    def test_second_run_finds_nothing_and_batches_split(self):
        self._set_batch_size(2)
        cases = self.env["crm.case"].concat(
            *(self._old_case(name=f"case {n}") for n in range(5))
        )
        self.assertEqual(len(self._due_at(DUE)), 5)
        self._check_at(DUE)
        self.assertEqual(cases.mapped("priority"), ["1"] * 5)
        self.assertEqual(cases.rule_log_ids.mapped("state"), ["done"] * 5)
        self.assertEqual(self._due_at("2026-05-05 10:00:00"), [])
        self._check_at("2026-05-05 10:00:00")
        self.assertEqual(len(cases.rule_log_ids), 5, "fired once per case")
        for case in cases:
            self.assertEqual(len(self._rule_notes(case)), 1)

    def test_claim_many_takes_new_and_failed_firings_once(self):
        cases = self._old_case() | self._old_case() | self._old_case()
        Log = self.env["crm.case.rule.log"]
        due = [(case.id, T0) for case in cases]
        claimed = Log._claim_many(self.rule, due[:2])
        self.assertEqual(set(claimed), set(cases[:2].ids))
        logs = Log.browse(claimed.values())
        self.assertEqual(logs.mapped("state"), ["running", "running"])
        self.assertEqual(logs.company_id, self.company, "the case's company")
        Log._mark_done([claimed[cases[0].id]])
        Log.browse(claimed[cases[1].id]).write({"state": "failed", "error": "boom"})
        again = Log._claim_many(self.rule, due)
        self.assertEqual(set(again), set(cases[1:].ids), "the done one is left")
        self.assertEqual(again[cases[1].id], claimed[cases[1].id], "taken over")
        retried = Log.browse(again[cases[1].id])
        self.assertEqual((retried.state, retried.attempts), ("running", 2))
        self.assertEqual(Log._claim_many(self.rule, due), {}, "all running here")
        self.assertEqual(Log._claim_many(self.rule, []), {})
