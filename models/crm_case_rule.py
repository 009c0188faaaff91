import logging
import re

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..utils.regex_safety import regex_is_backtracking_trap
from .crm_case import CASE_PRIORITIES, CASE_STATES
from .crm_case_automated_mail import MAIL_BODY_TOKEN_RE, RULE_MAIL_PLACEHOLDERS

_logger = logging.getLogger(__name__)

# A regex is matched against this many characters at most: with nested
# repetitions refused at save time, this bounds the time a match can take.
REGEX_TEXT_SIZE = 10000


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
        help="The text of the mail; the placeholders it may hold are listed "
        "below it.",
    )
    act_mail_placeholders = fields.Char(
        string="Placeholders", compute="_compute_act_mail_placeholders"
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

    def _compute_act_mail_placeholders(self):
        names = ", ".join(f"%({name})s" for name in RULE_MAIL_PLACEHOLDERS)
        self.act_mail_placeholders = _(
            "%(names)s; write %(percent)s for a percent sign.",
            names=names,
            percent="%%",
        )

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
        sample = dict.fromkeys(RULE_MAIL_PLACEHOLDERS, "")
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
