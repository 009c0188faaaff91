import logging
import re
import threading

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL, email_normalize, email_split

from .crm_case import (
    ALLOWED_TRANSITIONS,
    CASE_PRIORITIES,
    CASE_STATES,
    MAIL_BODY_TOKEN_RE,
)

try:  # Python 3.11 and later
    from re import _constants as sre_constants
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants
    import sre_parse

_logger = logging.getLogger(__name__)

# A regex is matched against this many characters at most: with nested
# repetitions refused at save time, this bounds the time a match can take.
REGEX_TEXT_SIZE = 10000
REGEX_REPEATS = {
    getattr(sre_constants, name)
    for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
    if hasattr(sre_constants, name)
}

# How deep a rule's state change may trigger further rules: a rule that opens
# a case fires the "open" rules, which may change the state again, and so on.
MAX_RULE_DEPTH = 5
# The keys of a predefined mail body, as in the original module, plus a few.
MAIL_BODY_KEYS = (
    "case_id",
    "case_subject",
    "case_description",
    "case_date",
    "case_deadline",
    "case_state",
    "case_section",
    "email_from",
    "partner",
    "partner_email",
    "case_user",
    "case_user_email",
    "case_user_phone",
)
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


def _regex_children(op, av):
    if op in REPEATS_AND_GROUPS:
        return [av[-1]]
    if op is sre_constants.BRANCH:
        return av[1]
    if op is sre_constants.GROUPREF_EXISTS:
        return [branch for branch in av[1:] if branch]
    if op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
        return [av[1]]
    return []


REPEATS_AND_GROUPS = REGEX_REPEATS | {
    getattr(sre_constants, name)
    for name in ("SUBPATTERN", "ATOMIC_GROUP")
    if hasattr(sre_constants, name)
}


def _branches_start_apart(branches):
    """Alternatives that each start with a different literal character."""
    starts = []
    for branch in branches:
        if not len(branch) or branch[0][0] is not sre_constants.LITERAL:
            return False
        starts.append(branch[0][1])
    return len(set(starts)) == len(starts)


def _is_backtracking_trap(subpattern, outer=None):
    """Whether a parsed regex repeats something that can itself match the same
    text in many ways: a repetition inside a repetition, one of them
    unbounded (``(a+)+``, ``(.*a){20}``), or overlapping alternatives under
    an unbounded repetition (``(a|aa)+``). Such patterns backtrack for
    minutes on a long text that almost matches.

    :param outer: the (min, max, subpattern) of the enclosing repetition
    """
    for op, av in subpattern:
        if op in REGEX_REPEATS and av[1] > 1:
            if outer and sre_constants.MAXREPEAT in (outer[1], av[1]):
                return True
            if _is_backtracking_trap(av[2], av):
                return True
            continue
        if (
            op is sre_constants.BRANCH
            and outer
            and outer[1] == sre_constants.MAXREPEAT
            and not _branches_start_apart(av[1])
        ):
            return True
        for child in _regex_children(op, av):
            if _is_backtracking_trap(child, outer):
                return True
    return False


def regex_is_backtracking_trap(pattern):
    return _is_backtracking_trap(sre_parse.parse(pattern))


class CrmCaseRule(models.Model):
    _name = "crm.case.rule"
    _description = "Case Rule"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(string="Rule Name", required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10, help="Rules are checked in this order.")
    company_id = fields.Many2one(
        "res.company", index=True, default=lambda self: self.env.company
    )
    stop_processing = fields.Boolean(
        string="Stop Here",
        help="When this rule fires, the rules after it are not checked for that "
        "case and event.",
    )
    # Criteria
    trg_state_from = fields.Selection(
        [("none", "None (creation)")] + CASE_STATES,
        string="Case State From",
        help="The state before the change; empty for any state.",
    )
    trg_state_to = fields.Selection(
        CASE_STATES + [("escalate", "Escalate")],
        string="Case State To",
        help="The state after the change, or the Escalate button; empty for any.",
    )
    trg_section_id = fields.Many2one(
        "crm.case.section", string="Section", check_company=True
    )
    trg_section_child = fields.Boolean(string="Include Sub-Sections", default=True)
    trg_categ_id = fields.Many2one("crm.case.categ", string="Category")
    trg_user_id = fields.Many2one("res.users", string="Responsible")
    trg_priority_from = fields.Selection(
        CASE_PRIORITIES,
        string="Minimum Priority",
        help="The least urgent priority the rule accepts.",
    )
    trg_priority_to = fields.Selection(
        CASE_PRIORITIES,
        string="Maximum Priority",
        help="The most urgent priority the rule accepts.",
    )
    trg_partner_id = fields.Many2one("res.partner", string="Partner")
    trg_partner_categ_id = fields.Many2one(
        "res.partner.category",
        string="Partner Category",
        help="Matches the partners of this category and of its sub-categories.",
    )
    regex_name = fields.Char(
        string="Regex on Case Description",
        help="A regular expression the case description must contain.",
    )
    regex_history = fields.Char(
        string="Regex on History",
        help="A regular expression one message of the case history must contain.",
    )
    trg_date_type = fields.Selection(
        [
            ("none", "None"),
            ("create", "Creation Date"),
            ("action_last", "Last Action Date"),
            ("deadline", "Deadline"),
            ("date", "Case Date"),
        ],
        string="Trigger Date",
        default="none",
        required=True,
    )
    trg_date_range = fields.Integer(
        string="Delay After Trigger Date",
        help="Negative to act before the date, e.g. one day before the deadline.",
    )
    trg_date_range_type = fields.Selection(
        [
            ("minutes", "Minutes"),
            ("hour", "Hours"),
            ("day", "Days"),
            ("week", "Weeks"),
            ("month", "Months"),
        ],
        string="Delay Type",
        default="day",
        required=True,
    )
    only_new_cases = fields.Boolean(
        string="Only Cases That Become Due After Activation",
        help="Leave unchecked to also act on the cases already past their trigger "
        "date when the rule is created or activated.",
    )
    date_activated = fields.Datetime(
        string="Activated On", default=fields.Datetime.now, readonly=True, copy=False
    )
    # Actions
    act_state = fields.Selection(CASE_STATES, string="Set State To")
    act_section_id = fields.Many2one(
        "crm.case.section", string="Set Section To", check_company=True
    )
    act_user_id = fields.Many2one("res.users", string="Set Responsible To")
    act_priority = fields.Selection(CASE_PRIORITIES, string="Set Priority To")
    act_remind_user = fields.Boolean(
        string="Remind Responsible",
        help="Send a reminder by email to the responsible of the case.",
    )
    act_remind_partner = fields.Boolean(
        string="Remind Partner", help="Send a reminder by email to the partner."
    )
    act_remind_attach = fields.Boolean(
        string="Remind with History",
        help="The reminder carries the whole history and the attachments of the case.",
    )
    act_email_cc = fields.Char(
        string="Add Watchers (Cc)",
        help="These addresses are added to the watchers of the case and receive a "
        "copy of its whole discussion.",
    )
    act_watch_actor = fields.Boolean(
        string="Add the Acting User to the Watchers",
        help="The user whose change fired the rule (for example the level-1 user "
        "who escalates a case) keeps receiving the discussion.",
    )
    act_mail_to_user = fields.Boolean(string="Mail to Responsible")
    act_mail_to_partner = fields.Boolean(string="Mail to Partner")
    act_mail_to_watchers = fields.Boolean(string="Mail to Watchers (Cc)")
    act_mail_to_email = fields.Char(
        string="Mail to These Emails", help="Addresses, comma separated."
    )
    act_mail_body = fields.Text(
        string="Mail Body",
        help="Placeholders: %(case_id)s, %(case_subject)s, %(case_description)s, "
        "%(case_date)s, %(case_deadline)s, %(case_state)s, %(case_section)s, "
        "%(email_from)s, %(partner)s, %(partner_email)s, %(case_user)s, "
        "%(case_user_email)s, %(case_user_phone)s; write %% for a percent sign.",
    )
    act_mail_template_id = fields.Many2one(
        "mail.template",
        string="Mail Template",
        domain="[('model', '=', 'crm.case')]",
        help="Used instead of the mail body when set.",
    )
    server_action_id = fields.Many2one(
        "ir.actions.server",
        string="Server Action",
        domain="[('model_id.model', '=', 'crm.case')]",
        help="Run for the case when the rule fires.",
    )
    log_ids = fields.One2many("crm.case.rule.log", "rule_id", string="Firings")
    log_count = fields.Integer(compute="_compute_log_count", string="Firing Count")

    def _compute_log_count(self):
        counts = dict(
            self.env["crm.case.rule.log"]._read_group(
                [("rule_id", "in", self.ids)], ["rule_id"], ["__count"]
            )
        )
        for rule in self:
            rule.log_count = counts.get(rule, 0)

    # ------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------

    @api.constrains("regex_name", "regex_history")
    def _check_regex(self):
        for rule in self:
            for pattern in (rule.regex_name, rule.regex_history):
                if not pattern:
                    continue
                try:
                    re.compile(pattern)
                except re.error as error:
                    raise ValidationError(
                        _(
                            "The regular expression %(pattern)s of the rule %(rule)s "
                            "is invalid: %(error)s",
                            pattern=pattern,
                            rule=rule.name,
                            error=str(error),
                        )
                    ) from error
                if regex_is_backtracking_trap(pattern):
                    raise ValidationError(
                        _(
                            "The regular expression %(pattern)s of the rule %(rule)s "
                            "repeats a part that can itself match in several ways, "
                            "as in (a+)+ or (a|aa)+: on some texts it would run for "
                            "minutes. Write it without the nested repetition.",
                            pattern=pattern,
                            rule=rule.name,
                        )
                    )

    @api.constrains("act_mail_body")
    def _check_act_mail_body(self):
        sample = dict.fromkeys(MAIL_BODY_KEYS, "")
        for rule in self.filtered("act_mail_body"):
            if "%" in MAIL_BODY_TOKEN_RE.sub("", rule.act_mail_body):
                # Checked before formatting: widths and other conversions
                # (%(case_id)999999999s, %(case_id)r, %s) are refused, a body
                # only names values.
                raise ValidationError(
                    _(
                        "The mail body of the rule %(rule)s is not well formed: "
                        "placeholders are written as %(example)s only; write "
                        "%%%% for a percent sign.",
                        rule=rule.name,
                        example="%(case_subject)s",
                    )
                )
            try:
                rule.act_mail_body % sample
            except KeyError as error:
                # Built outside _(): Babel, which extracts the terms, cannot
                # read an f-string among the arguments and skips the file.
                placeholder = f"%({error.args[0]})s"
                raise ValidationError(
                    _(
                        "The mail body of the rule %(rule)s uses the unknown "
                        "placeholder %(placeholder)s.",
                        rule=rule.name,
                        placeholder=placeholder,
                    )
                ) from error
            except (ValueError, TypeError) as error:
                raise ValidationError(
                    _(
                        "The mail body of the rule %(rule)s is not well formed: "
                        "write %%%% for a percent sign (%(error)s).",
                        rule=rule.name,
                        error=str(error),
                    )
                ) from error

    @api.constrains("trg_date_type", "trg_date_range")
    def _check_trigger_delay(self):
        for rule in self:
            if rule.trg_date_type == "none" and rule.trg_date_range:
                raise ValidationError(
                    _(
                        "The rule %(rule)s has a delay but no trigger date: choose "
                        "the date the delay counts from.",
                        rule=rule.name,
                    )
                )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def write(self, vals):
        if vals.get("active") and "date_activated" not in vals:
            # A rule switched on counts its "new cases only" from now.
            vals = dict(vals, date_activated=fields.Datetime.now())
        return super().write(vals)

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_preview(self):
        """List the cases the rule would fire on now, without firing."""
        self.ensure_one()
        if self.trg_date_type == "none":
            case_ids = self.env["crm.case"].search(self._get_case_domain()).ids
        else:
            case_ids = [case_id for case_id, _due in self._get_due_cases()]
        return {
            "type": "ir.actions.act_window",
            "name": _("Cases for %(rule)s", rule=self.name),
            "res_model": "crm.case",
            "view_mode": "list,form",
            "domain": [("id", "in", case_ids)],
            "context": {"create": False},
        }

    def action_run_now(self):
        """Check the time rules now, as the cron job does."""
        self.env["crm.case"].check_access("write")
        self.filtered(lambda rule: rule.trg_date_type != "none")._check_time_rules()
        return True

    def action_view_logs(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Firings of %(rule)s", rule=self.name),
            "res_model": "crm.case.rule.log",
            "view_mode": "list,form",
            "domain": [("rule_id", "=", self.id)],
        }

    # ------------------------------------------------------------
    # Matching
    # ------------------------------------------------------------

    def _get_case_domain(self):
        """The criteria every case must meet, as a domain (states excepted)."""
        self.ensure_one()
        domain = []
        if self.trg_section_id:
            operator = "child_of" if self.trg_section_child else "="
            domain.append(("section_id", operator, self.trg_section_id.id))
        for criterion, field in (
            ("trg_categ_id", "categ_id"),
            ("trg_user_id", "user_id"),
            ("trg_partner_id", "partner_id"),
        ):
            if self[criterion]:
                domain.append((field, "=", self[criterion].id))
        if self.trg_partner_categ_id:
            domain.append(
                ("partner_id.category_id", "child_of", self.trg_partner_categ_id.id)
            )
        # A lower key is more urgent: "1" Highest ... "5" Lowest.
        if self.trg_priority_from:
            domain.append(("priority", "<=", self.trg_priority_from))
        if self.trg_priority_to:
            domain.append(("priority", ">=", self.trg_priority_to))
        if self.company_id:
            domain.append(("company_id", "in", [self.company_id.id, False]))
        return domain

    def _matches_state(self, case, event, previous_state):
        """Event rules: the transition matches the rule's state criteria."""
        self.ensure_one()
        if self.trg_state_from and self.trg_state_from != previous_state:
            return False
        return not self.trg_state_to or self.trg_state_to == event

    def _regex_search(self, pattern, text):
        """Search with a bound: the text is cut, and a pattern stored before
        the save-time check that could backtrack for minutes never matches."""
        if regex_is_backtracking_trap(pattern):
            _logger.warning(
                "Case rule %s: regular expression %r skipped, it could backtrack "
                "for minutes.",
                self.id,
                pattern,
            )
            return False
        return bool(re.search(pattern, (text or "")[:REGEX_TEXT_SIZE]))

    def _matches_regexes(self, case):
        self.ensure_one()
        if self.regex_name and not self._regex_search(self.regex_name, case.name):
            return False
        if self.regex_history:
            bodies = case.message_ids.mapped("preview")
            return any(self._regex_search(self.regex_history, body) for body in bodies)
        return True

    def _filter_matching_cases(self, cases):
        self.ensure_one()
        matching = cases.filtered_domain(self._get_case_domain())
        if self.regex_name or self.regex_history:
            matching = matching.filtered(self._matches_regexes)
        return matching

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
        query.add_where(
            SQL(
                """NOT EXISTS (
                    SELECT 1 FROM crm_case_rule_log log
                     WHERE log.rule_id = %s AND log.case_id = crm_case.id
                       AND log.trigger_date = %s
                       AND (log.state = 'done' OR log.attempts >= %s))""",
                self.id,
                trigger,
                self.env["crm.case.rule.log"]._get_max_attempts(),
            )
        )
        query.order = SQL('crm_case."id"')
        query.limit = limit
        # The raw conditions above read columns the domain does not mention.
        self.env["crm.case"].flush_model()
        self.env["crm.case.rule.log"].flush_model()
        self.env.cr.execute(query.select(SQL('crm_case."id"'), trigger))
        return self.env.cr.fetchall()

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

    def _fire_batch(self, due):
        """Fire the time rule on a batch of due cases: one claim, one write and
        one log update for the whole batch; when an action fails, the batch is
        rolled back and replayed case by case so that only the failing cases
        are set aside.

        :param due: list of (case id, trigger instant)
        """
        self.ensure_one()
        Log = self.env["crm.case.rule.log"].sudo()
        log_ids = Log._claim_many(self, due)
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
            Log.browse(list(log_ids.values())).write({"state": "done", "error": False})
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
        if len(cases) > 1 and tracked:
            # A batch of the checker: one history note per case written in one
            # statement, instead of one tracking message per case.
            before = {case.id: {name: case[name] for name in tracked} for case in cases}
            cases.with_context(tracking_disable=True).write(values)
            cases._message_log_batch(self._get_change_notes(cases, before))
        else:
            cases.write(values)
        if self._has_per_case_actions():
            for case in cases:
                self._apply_case_actions(case)

    def _get_change_notes(self, cases, before):
        """History notes of the fields the rule changed: {case id: html}."""
        notes = {}
        for case in cases:
            changes = []
            for name, old_value in before[case.id].items():
                field = case._fields[name]
                old_text = self._display_value(field, old_value, case)
                new_text = self._display_value(field, case[name], case)
                if old_text != new_text:
                    changes.append(
                        _(
                            "%(field)s: %(old)s → %(new)s",
                            field=field._description_string(self.env),
                            old=old_text,
                            new=new_text,
                        )
                    )
            notes[case.id] = Markup("<p>%s</p><ul>%s</ul>") % (
                _("Changed by the rule %(rule)s:", rule=self.name),
                Markup("").join(Markup("<li>%s</li>") % change for change in changes),
            )
        return notes

    def _display_value(self, field, value, case):
        if field.type == "selection":
            return dict(field._description_selection(self.env)).get(value) or "/"
        return field.convert_to_display_name(value, case) or "/"

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
