"""The rule engine: which rules fire on an event or when their delay is
due, each firing claimed once in the rule log, and the actions applied."""

import logging
import threading

from odoo import api, fields, models
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL, email_normalize, email_split

from .crm_case_workflow import ALLOWED_TRANSITIONS

_logger = logging.getLogger(__name__)

# How deep a rule's state change may trigger further rules: a rule that opens
# a case fires the "open" rules, which may change the state again, and so on.
MAX_RULE_DEPTH = 5
# The SQL expression of each trigger date, on the crm_case table.
TRIGGER_DATE_SQL = {
    "create": 'crm_case."create_date"',
    "action_last": 'COALESCE(crm_case."date_action_last", crm_case."create_date")',
    "deadline": 'crm_case."date_deadline"',
    "date": 'crm_case."date"',
}
INTERVAL_UNITS = {
    "minutes": "minutes",
    "hour": "hours",
    "day": "days",
    "week": "weeks",
    "month": "months",
}


class CrmCaseRule(models.Model):
    _inherit = "crm.case.rule"

    # ------------------------------------------------------------
    # Event rules
    # ------------------------------------------------------------

    @api.model
    def _run_event_rules(self, cases, event, previous_states):
        """Fire the event rules on a state change of ``cases``.

        :param cases: the cases whose state changed (or that were created)
        :param event: the new state key, or ``escalate``
        :param previous_states: {case id: previous state key or ``none``}
        :return: None
        """
        depth = self.env.context.get("crm_case_rule_depth", 0)
        if depth >= MAX_RULE_DEPTH:
            _logger.warning(
                "Case rules: cascade stopped at depth %s for cases %s", depth, cases.ids
            )
            return
        rules = self.search([("trg_date_type", "=", "none")])
        if not rules:
            return
        now = fields.Datetime.now()
        for case in cases:
            for rule in rules:
                if not rule._matches_state(case, event, previous_states.get(case.id)):
                    continue
                if not rule._filter_matching_cases(case):
                    continue
                rule._fire(case, now, time_rule=False, depth=depth + 1)
                if rule.stop_processing:
                    break

    # ------------------------------------------------------------
    # Time rules
    # ------------------------------------------------------------

    def _get_due_cases(self, limit=None):
        """The cases this time rule is due on now, with their trigger instant.

        One query: the criteria as a domain, the trigger instant computed in SQL,
        and the instants already fired excluded through the rule log's index.

        :return: list of (case id, trigger instant)
        """
        self.ensure_one()
        domain = self._get_case_domain()
        states = {self.trg_state_from, self.trg_state_to} - {False, "none", "escalate"}
        if states:
            domain.append(("state", "in", list(states)))
        else:
            domain.append(("state", "in", self.env["crm.case"]._get_unclosed_states()))
        query = self.env["crm.case"]._search(domain)
        interval = f"{self.trg_date_range} {INTERVAL_UNITS[self.trg_date_range_type]}"
        trigger = SQL(
            "(%s + %s::interval)", SQL(TRIGGER_DATE_SQL[self.trg_date_type]), interval
        )
        now = fields.Datetime.now()
        query.add_where(SQL("%s <= %s", trigger, now))
        if self.trg_date_type != "action_last":
            # The same bound on the bare column, a few days wide for the month
            # lengths, lets PostgreSQL use the index of the date.
            query.add_where(
                SQL(
                    "%s <= (%s::timestamp - %s::interval + interval '4 days')",
                    SQL(TRIGGER_DATE_SQL[self.trg_date_type]),
                    now,
                    interval,
                )
            )
        if self.only_new_cases:
            query.add_where(SQL("%s >= %s", trigger, self.date_activated))
        query.add_where(self._sql_not_fired_at(trigger))
        query.order = SQL('crm_case."id"')
        query.limit = limit
        # The raw conditions above read columns the domain does not mention.
        self.env["crm.case"].flush_model()
        self.env["crm.case.rule.log"].flush_model()
        self.env.cr.execute(query.select(SQL('crm_case."id"'), trigger))
        return self.env.cr.fetchall()

    def _sql_not_fired_at(self, trigger, key=None):
        """SQL condition on crm_case: this rule has not fired at ``trigger``
        with ``key`` (SQL; 0 when None) yet: a firing done, or failed as many
        times as a firing is tried."""
        self.ensure_one()
        return SQL(
            """NOT EXISTS (
                SELECT 1 FROM crm_case_rule_log log
                 WHERE log.rule_id = %s AND log.case_id = crm_case.id
                   AND log.trigger_date = %s AND log.trigger_key = %s
                   AND (log.state = 'done' OR log.attempts >= %s))""",
            self.id,
            trigger,
            SQL("0") if key is None else key,
            self.env["crm.case.rule.log"]._get_max_attempts(),
        )

    @api.model
    def _cron_check(self):
        """Entry point of the cron job: check every active time rule."""
        self.search([("trg_date_type", "!=", "none")])._check_time_rules()

    def _check_time_rules(self):
        batch_size = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("crm_case.rule_batch_size", 500)
        )
        for rule in self:
            due = rule._get_due_cases()
            for start in range(0, len(due), batch_size):
                rule._fire_batch(due[start : start + batch_size])
                self._commit_batch()

    def _fire_batch(self, due, key=0):
        """Fire the time rule on a batch of due cases: one claim, one write and
        one log update for the whole batch; when an action fails, the batch is
        rolled back and replayed case by case so that only the failing cases
        are set aside.

        :param due: list of (case id, trigger instant)
        :param key: the firings' key beside the instant (see the log)
        """
        self.ensure_one()
        Log = self.env["crm.case.rule.log"].sudo()
        log_ids = Log._claim_many(self, due, key)
        if not log_ids:
            return
        cases = self.env["crm.case"].browse(list(log_ids))
        # Flushed out of the guarded block: a conflict with another
        # transaction must reach the caller, which retries the transaction.
        self.env.flush_all()
        try:
            with self.env.cr.savepoint():
                self._run_actions(cases, depth=1)
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            raise
        except Exception:  # noqa: BLE001 - replayed one by one below
            for case in cases:
                self._fire_claimed(case, log_ids[case.id], depth=1)
        else:
            Log._mark_done(list(log_ids.values()))
        cases.invalidate_recordset()

    @api.model
    def _commit_batch(self):
        # Commit each batch so that a long run keeps what it did if it is
        # stopped; tests run inside one transaction that must not be committed.
        if not getattr(threading.current_thread(), "testing", False):
            self.env.cr.commit()  # pylint: disable=invalid-commit

    # ------------------------------------------------------------
    # Firing
    # ------------------------------------------------------------

    def _fire(self, case, instant, time_rule, depth=1):
        """Fire the rule on one case, at most once per trigger instant.

        :return: True when the actions ran
        """
        self.ensure_one()
        log_id = self.env["crm.case.rule.log"]._claim(self, case, instant, time_rule)
        return bool(log_id) and self._fire_claimed(case, log_id, depth)

    def _fire_claimed(self, case, log_id, depth):
        """Run the actions for a claimed log line and record the outcome.

        The log line is claimed before the actions run, in the same transaction:
        a second worker, or a run after a crash, finds it and does nothing.
        A failing action is rolled back and written on the log line, so that
        the other cases and rules go on; it is retried on the next runs.
        """
        log = self.env["crm.case.rule.log"].sudo().browse(log_id)
        # The changes that fired the rule are flushed out of the guarded block:
        # a conflict with another transaction is not a failure of the rule, it
        # makes the whole transaction retry.
        self.env.flush_all()
        try:
            with self.env.cr.savepoint():
                self._run_actions(case, depth)
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            raise
        except Exception as error:  # noqa: BLE001 - recorded on the log, retried
            _logger.exception("Case rule %s failed on case %s", self.id, case.id)
            log.write({"state": "failed", "error": str(error)})
            return False
        log.write({"state": "done", "error": False})
        return True

    def _run_actions(self, cases, depth):
        # sudo: rules are set up by managers and act whatever the rights of
        # the user whose change triggered them.
        context = dict(self.env.context, crm_case_rule_depth=depth)
        self.sudo().with_context(context)._apply_actions(
            cases.sudo().with_context(context)
        )

    def _apply_actions(self, cases):
        self.ensure_one()
        values = self._prepare_case_values()
        tracked = [name for name in values if name in cases._track_get_fields()]
        if tracked and (len(cases) > 1 or self.trg_date_type != "none"):
            # A batch of the checker, or one of its cases replayed alone: one
            # write for the whole batch and the history notes inserted
            # together, instead of one tracking message per case.
            # Only the changed fields are read, not every field of the cases.
            cases.fetch(tracked)
            before = {case.id: {name: case[name] for name in tracked} for case in cases}
            cases.with_context(tracking_disable=True).write(values)
            cases._log_history_notes(self._get_change_notes(cases, before))
        else:
            cases.write(values)
        if self._has_per_case_actions():
            for case in cases:
                self._apply_case_actions(case)

    def _has_per_case_actions(self):
        return bool(
            self.act_email_cc
            or self.act_watch_actor
            or self.act_state
            or self.act_remind_user
            or self.act_remind_partner
            or self.act_mail_body
            or self.act_mail_template_id
            or self.server_action_id
        )

    def _apply_case_actions(self, case):
        new_watchers = self._get_new_watchers(case)
        if new_watchers:
            case.email_cc = ", ".join(filter(None, [case.email_cc, *new_watchers]))
            case._send_discussion_copy(new_watchers)
        if self.act_state and case.state != self.act_state:
            self._apply_state(case)
        if self.act_remind_user:
            case._send_reminder(case.user_id.email, self.act_remind_attach)
        if self.act_remind_partner:
            case._send_reminder(case.email_from, self.act_remind_attach)
        self._send_predefined_mail(case)
        if self.server_action_id:
            self.server_action_id.with_context(
                active_model="crm.case", active_id=case.id, active_ids=case.ids
            ).run()

    def _prepare_case_values(self):
        values = {"date_action_last": fields.Datetime.now()}
        if self.act_section_id:
            values["section_id"] = self.act_section_id.id
        if self.act_user_id:
            values["user_id"] = self.act_user_id.id
        if self.act_priority:
            values["priority"] = self.act_priority
        return values

    def _get_new_watchers(self, case):
        known = {email_normalize(email) for email in email_split(case.email_cc or "")}
        candidates = email_split(self.act_email_cc or "")
        # sudo() keeps the uid: env.user is the user whose change fired the rule.
        if self.act_watch_actor and not self.env.user._is_superuser():
            candidates += email_split(self.env.user.email or "")
        new = {}
        for email in candidates:
            normalized = email_normalize(email)
            if normalized and normalized not in known:
                new.setdefault(normalized, email)
        return list(new.values())

    def _apply_state(self, case):
        """Change the state through the workflow when the transition is allowed,
        so that its dates are set and its rules fire; else set it directly."""
        target = self.act_state
        if case.state in ALLOWED_TRANSITIONS[target]:
            method = {
                "open": case.action_open,
                "pending": case.action_pending,
                "done": case.action_close,
                "cancel": case.action_cancel,
                "draft": case.action_draft,
            }[target]
            method()
        else:
            previous = {case.id: case.state}
            case.write({"state": target})
            case._fire_case_event(target, previous)

    def _get_mail_recipients(self, case):
        emails = []
        if self.act_mail_to_user and case.user_id.email:
            emails.append(case.user_id.email)
        if self.act_mail_to_partner and case.email_from:
            emails.append(case.email_from)
        if self.act_mail_to_watchers:
            emails += email_split(case.email_cc or "")
        emails += email_split(self.act_mail_to_email or "")
        unique = {}
        for email in emails:
            unique.setdefault(email_normalize(email) or email, email)
        return list(unique.values())

    def _send_predefined_mail(self, case):
        if not (self.act_mail_body or self.act_mail_template_id):
            return
        recipients = self._get_mail_recipients(case)
        if not recipients:
            return
        if self.act_mail_template_id:
            template = self.act_mail_template_id
            subject = template._render_field("subject", case.ids)[case.id]
            body = template._render_field("body_html", case.ids)[case.id]
        else:
            subject = case._get_mail_subject()
            body = case._render_rule_mail_body(self.act_mail_body)
        case._queue_automated_mail(subject, body, recipients)
