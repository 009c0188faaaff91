import logging
import re

from markupsafe import Markup

from odoo import SUPERUSER_ID, Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import (
    email_normalize,
    email_split,
    formataddr,
    html2plaintext,
    plaintext2html,
)

_logger = logging.getLogger(__name__)

# The case tag of a subject, e.g. "Re: [101] Printer broken".
CASE_TAG_RE = re.compile(r"\[(\d{1,9})\]")
# The only "%" sequences a rule's predefined mail body may hold: a named
# placeholder rendered as text, or a literal percent sign.
MAIL_BODY_TOKEN_RE = re.compile(r"%\((\w+)\)s|%%")
# The longest case name taken from a subject (the message keeps it whole).
GATEWAY_NAME_SIZE = 1024

CASE_STATES = [
    ("draft", "Draft"),
    ("open", "Open"),
    ("pending", "Pending"),
    ("done", "Closed"),
    ("cancel", "Cancelled"),
]
# Stored as in the original module: a lower key is more urgent, so sorting by
# priority puts Highest first.
CASE_PRIORITIES = [
    ("1", "Highest"),
    ("2", "High"),
    ("3", "Normal"),
    ("4", "Low"),
    ("5", "Lowest"),
]
# The states a workflow button may leave, per target state.
ALLOWED_TRANSITIONS = {
    "open": ("draft", "pending"),
    "pending": ("open",),
    "done": ("open", "pending"),
    "cancel": ("draft", "open", "pending"),
    "draft": ("done", "cancel"),
}


class CrmCase(models.Model):
    _name = "crm.case"
    _description = "Case"
    _inherit = ["portal.mixin", "mail.thread.cc", "mail.activity.mixin"]
    # Portal customers reply on the cases they may read (record rules).
    _mail_post_access = "read"
    _order = "priority, date desc, id desc"
    _primary_email = "email_from"
    _check_company_auto = True

    name = fields.Char(string="Description", required=True, tracking=True)
    description = fields.Html(string="Details")
    action_text = fields.Text(
        string="Your Action",
        copy=False,
        help="Text to save into the history with Historize, or to send to the "
        "partner with Send Partner and Historize.",
    )
    section_id = fields.Many2one(
        "crm.case.section",
        string="Section",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        default=lambda self: self._default_section_id(),
    )
    section_parent_id = fields.Many2one(related="section_id.parent_id")
    categ_id = fields.Many2one(
        "crm.case.categ",
        string="Category",
        index=True,
        tracking=True,
        check_company=True,
        domain="['|', ('section_id', '=', False), ('section_id', '=', section_id)]",
    )
    priority = fields.Selection(
        CASE_PRIORITIES, default="3", required=True, index=True, tracking=True
    )
    state = fields.Selection(
        CASE_STATES,
        string="Status",
        default="draft",
        required=True,
        readonly=True,
        index=True,
        copy=False,
        tracking=True,
    )
    partner_id = fields.Many2one(
        "res.partner", string="Partner", index=True, tracking=True, check_company=True
    )
    partner_address_id = fields.Many2one(
        "res.partner",
        string="Partner Contact",
        compute="_compute_partner_address_id",
        store=True,
        readonly=False,
        check_company=True,
        domain="[('id', 'child_of', partner_id)]",
    )
    email_from = fields.Char(
        string="Partner Email",
        compute="_compute_email_from",
        store=True,
        readonly=False,
        index="trigram",
    )
    email_cc = fields.Char(
        string="Watchers", help="Addresses, comma separated, copied on the discussion."
    )
    user_id = fields.Many2one(
        "res.users",
        string="User Responsible",
        index=True,
        tracking=True,
        check_company=True,
        default=lambda self: self.env.user,
    )
    date = fields.Datetime(
        string="Case Date", default=fields.Datetime.now, required=True, index=True
    )
    date_deadline = fields.Datetime(string="Deadline", index=True, tracking=True)
    date_open = fields.Datetime(string="Opened", readonly=True, copy=False)
    date_closed = fields.Datetime(string="Closed", readonly=True, copy=False)
    duration = fields.Float(
        default=1.0, help="Duration in hours, shown in the calendar."
    )
    company_id = fields.Many2one(
        "res.company",
        compute="_compute_company_id",
        store=True,
        readonly=False,
        index=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    planned_revenue = fields.Monetary(string="Estimated Revenue")
    planned_cost = fields.Monetary(string="Estimated Cost")
    probability = fields.Float(string="Probability (%)", aggregator="avg")
    active = fields.Boolean(default=True)
    date_action_last = fields.Datetime(
        string="Last Action", readonly=True, copy=False, index=True
    )
    date_action_next = fields.Datetime(string="Next Action", readonly=True, copy=False)
    ref = fields.Reference(
        selection="_selection_ref", string="Reference", help="Any related document."
    )
    color = fields.Integer(related="user_id.color", string="Color Index")
    rule_log_ids = fields.One2many(
        "crm.case.rule.log", "case_id", string="Rule Firings", readonly=True
    )
    rule_log_count = fields.Integer(
        compute="_compute_rule_log_count", string="Rule Firing Count"
    )
    escalation_count = fields.Integer(
        string="Escalations",
        readonly=True,
        copy=False,
        help="How many times the case was escalated to a parent section.",
    )

    _sql_constraints = [
        (
            "probability_range",
            "CHECK (probability >= 0 AND probability <= 100)",
            "The probability of a case must be between 0 and 100.",
        ),
    ]

    # ------------------------------------------------------------
    # Defaults, computes
    # ------------------------------------------------------------

    def _default_section_id(self):
        return self.env.context.get("default_section_id") or False

    @api.model
    def _selection_ref(self):
        models_ = self.env["ir.model"].sudo().search([("transient", "=", False)])
        return [(model.model, model.name) for model in models_]

    @api.depends("partner_id")
    def _compute_partner_address_id(self):
        for case in self:
            case.partner_address_id = case.partner_id._get_case_contact()

    @api.depends("partner_address_id.email", "partner_id.email")
    def _compute_email_from(self):
        for case in self:
            email = case.partner_address_id.email or case.partner_id.email
            if email:
                case.email_from = email

    @api.depends("section_id")
    def _compute_company_id(self):
        for case in self:
            case.company_id = (
                case.section_id.company_id or case.company_id or self.env.company
            )

    def _compute_rule_log_count(self):
        counts = dict(
            self.env["crm.case.rule.log"]._read_group(
                [("case_id", "in", self.ids)], ["case_id"], ["__count"]
            )
        )
        for case in self:
            case.rule_log_count = counts.get(case, 0)

    @api.constrains("categ_id", "section_id")
    def _check_categ_id(self):
        for case in self:
            categ_section = case.categ_id.section_id
            # A category of a sub-section stays valid: an escalated case keeps it.
            if categ_section and not categ_section.parent_path.startswith(
                case.section_id.parent_path or "-"
            ):
                raise ValidationError(
                    _(
                        "The category %(categ)s belongs to the section "
                        "%(categ_section)s, not to the section %(section)s of the "
                        "case %(case)s.",
                        categ=case.categ_id.name,
                        categ_section=categ_section.complete_name,
                        section=case.section_id.complete_name,
                        case=case.name,
                    )
                )

    @api.onchange("categ_id")
    def _onchange_categ_id(self):
        if self.categ_id.probability:
            self.probability = self.categ_id.probability

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        cases = super().create(vals_list)
        cases._fire_case_event("draft", dict.fromkeys(cases.ids, "none"))
        return cases

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        if "name" not in (default or {}):
            for case, vals in zip(self, vals_list, strict=True):
                vals["name"] = _("%(name)s (copy)", name=case.name)
        return vals_list

    # ------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------

    @api.model
    def _get_unclosed_states(self):
        return ["draft", "open", "pending"]

    def _check_transition(self, target_state):
        state_labels = dict(self._fields["state"]._description_selection(self.env))
        for case in self:
            if case.state not in ALLOWED_TRANSITIONS[target_state]:
                raise UserError(
                    _(
                        "The case %(case)s cannot be set to %(target)s because it "
                        "is %(state)s.",
                        case=case.display_name,
                        target=state_labels[target_state],
                        state=state_labels[case.state],
                    )
                )

    def _set_state(self, target_state, extra_values=None):
        """Move the cases to ``target_state`` and run the rules of that transition.

        :param target_state: key of the new state
        :param extra_values: a function returning the values to write for one case
        :return: True
        """
        self._check_transition(target_state)
        previous_states = {case.id: case.state for case in self}
        for case in self:
            values = {"state": target_state}
            if extra_values:
                values.update(extra_values(case))
            case.write(values)
        self._fire_case_event(target_state, previous_states)
        return True

    def action_open(self):
        now = fields.Datetime.now()
        return self._set_state(
            "open",
            lambda case: {
                "date_open": case.date_open or now,
                "user_id": case.user_id.id or self.env.uid,
            },
        )

    def action_pending(self):
        return self._set_state("pending")

    def action_close(self):
        now = fields.Datetime.now()
        return self._set_state("done", lambda case: {"date_closed": now})

    def action_cancel(self):
        return self._set_state("cancel")

    def action_draft(self):
        return self._set_state("draft", lambda case: {"date_closed": False})

    def action_escalate(self):
        """Move each case to the parent of its section, managed by its manager."""
        for case in self:
            if case.state not in self._get_unclosed_states():
                raise UserError(
                    _(
                        "The case %(case)s cannot be escalated because it is closed "
                        "or cancelled.",
                        case=case.display_name,
                    )
                )
            if not case.section_id.parent_id:
                raise UserError(
                    _(
                        "The case %(case)s cannot be escalated: its section "
                        "%(section)s has no parent section.",
                        case=case.display_name,
                        section=case.section_id.complete_name,
                    )
                )
        previous_states = {case.id: case.state for case in self}
        for case in self:
            source = case.section_id
            target = source.parent_id
            case.write(
                {
                    "section_id": target.id,
                    "user_id": target.user_id.id,
                    "escalation_count": case.escalation_count + 1,
                }
            )
            case.message_post(
                body=_(
                    "Escalated from %(from_section)s to %(to_section)s.",
                    from_section=source.complete_name,
                    to_section=target.complete_name,
                ),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        self._fire_case_event("escalate", previous_states)
        return True

    def _fire_case_event(self, event, previous_states):
        """Hook called after every state change, creation and escalation: runs
        the event rules.

        :param event: the new state key, or ``escalate``
        :param previous_states: {case id: state before the event, or ``none``}
        """
        self.env["crm.case.rule"]._run_event_rules(self, event, previous_states)
        return True

    def action_view_rule_logs(self):
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": _("Rule Firings"),
            "res_model": "crm.case.rule.log",
            "view_mode": "list,form",
            "domain": [("case_id", "=", self.id)],
        }

    # ------------------------------------------------------------
    # History
    # ------------------------------------------------------------

    def _get_action_text_html(self):
        self.ensure_one()
        if not (self.action_text or "").strip():
            raise UserError(
                _(
                    "Write the text to save in the history of %(case)s first.",
                    case=self.display_name,
                )
            )
        return plaintext2html(self.action_text)

    def action_historize(self):
        """Save the action text as an internal note of the history."""
        for case in self:
            body = case._get_action_text_html()
            # A comment, as the chatter's notes: portal users cannot read it.
            case.message_post(
                body=body, message_type="comment", subtype_xmlid="mail.mt_note"
            )
            case.write(
                {"action_text": False, "date_action_last": fields.Datetime.now()}
            )
        return True

    def action_historize_send(self):
        """Save the action text in the history and email it to the partner."""
        for case in self:
            if not email_normalize(case.email_from or ""):
                raise UserError(
                    _(
                        "The case %(case)s has no valid partner email: fill in "
                        "Partner Email to send it a message.",
                        case=case.display_name,
                    )
                )
            body = case._get_action_text_html()
            recipient = case._get_email_from_partner()
            message = case.message_post(
                body=body,
                subject=case._get_mail_subject(),
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=recipient.ids,
            )
            # The watchers receive the answers too, as in the original module.
            addresses = [] if recipient else [case.email_from]
            addresses += email_split(case.email_cc or "")
            if addresses:
                case._send_message_to_address(message, ", ".join(addresses))
            case.write(
                {"action_text": False, "date_action_last": fields.Datetime.now()}
            )
        return True

    def _get_email_from_partner(self):
        """The existing partner that receives the mails sent to ``email_from``."""
        self.ensure_one()
        normalized = email_normalize(self.email_from)
        for contact in (self.partner_address_id, self.partner_id):
            if contact and email_normalize(contact.email or "") == normalized:
                return contact
        return self._mail_find_partner_from_emails([self.email_from], records=self)[0]

    def _send_message_to_address(self, message, email_to):
        """Mail a posted message to an address that belongs to no partner."""
        self.ensure_one()
        # sudo: case users may post on the case but not create outgoing mails;
        # the mail only carries the message they just posted.
        mail = (
            self.env["mail.mail"]
            .sudo()
            .create(
                {
                    "mail_message_id": message.id,
                    "email_to": email_to,
                    "body_html": message.body,
                    "reply_to": message.reply_to,
                    "auto_delete": True,
                }
            )
        )
        mail.send(raise_exception=False)
        return mail

    def _get_mail_subject(self, prefix=""):
        """Subject of the mails about the case: the ``[id]`` tag always comes first."""
        self.ensure_one()
        return f"{prefix}[{self.id}] {self.name}"

    @api.model
    def _get_automated_mail_headers(self):
        """Headers of every mail sent without a human: RFC 3834 tells other
        robots (auto-responders, our own gateway) not to answer it."""
        return {
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "All",
        }

    def _notify_get_reply_to(self, default=None):
        reply_to = super()._notify_get_reply_to(default=default)
        for case in self:
            # sudo: portal customers post on their cases without reading sections.
            section = case.section_id.sudo()
            if section._get_gateway_reply_to():
                reply_to[case.id] = section._get_gateway_reply_to()
        return reply_to

    def _message_get_suggested_recipients(self):
        recipients = super()._message_get_suggested_recipients()
        if self.partner_id:
            self._message_add_suggested_recipient(
                recipients, partner=self.partner_id, reason=_("Partner")
            )
        elif self.email_from:
            self._message_add_suggested_recipient(
                recipients, email=self.email_from, reason=_("Partner Email")
            )
        return recipients

    # ------------------------------------------------------------
    # Automated mails (rules)
    # ------------------------------------------------------------

    def _get_automated_mail_sender(self):
        self.ensure_one()
        return (
            self.user_id.email_formatted
            or self.section_id.reply_to
            or self.company_id.email_formatted
        )

    def _queue_automated_mail(self, subject, body_html, recipients, attachments=None):
        """Queue a mail sent by a rule: sent by the mail queue after the commit,
        so that a rolled back firing sends nothing.

        :param recipients: list of email addresses
        :param attachments: ir.attachment records to attach
        :return: the mail.mail record, empty when the case answers a robot
        """
        self.ensure_one()
        if self._is_gateway_auto_submitted():
            # Never answer an auto-reply or a bounce: two robots would loop.
            return self.env["mail.mail"]
        sender = self._get_automated_mail_sender()
        if not sender:
            raise UserError(
                _(
                    "No address to send mail about the case %(case)s from: give "
                    "its responsible an email, or its section a reply-to address.",
                    case=self.display_name,
                )
            )
        headers = self._get_automated_mail_headers()
        return (
            self.env["mail.mail"]
            .sudo()
            .create(
                {
                    "subject": subject,
                    "body_html": body_html,
                    "email_from": sender,
                    "email_to": ", ".join(recipients),
                    "reply_to": self.section_id.reply_to or sender,
                    "headers": repr(headers),
                    "model": self._name,
                    "res_id": self.id,
                    "message_type": "email_outgoing",
                    "attachment_ids": [Command.set(attachments.ids)]
                    if attachments
                    else [],
                    "auto_delete": False,
                }
            )
        )

    def _get_history_html(self):
        """The whole discussion of the case, oldest first."""
        self.ensure_one()
        parts = []
        for message in self.message_ids.sorted("id"):
            if not message.body:
                continue
            header = _(
                "%(author)s, %(date)s:",
                author=message.author_id.name or message.email_from or "",
                date=fields.Datetime.to_string(message.date),
            )
            parts.append(Markup("<p><b>%s</b></p>%s") % (header, message.body))
        return Markup("").join(parts)

    def _send_discussion_copy(self, emails):
        """Send new watchers a copy of the whole discussion."""
        self.ensure_one()
        body = self._get_history_html() or plaintext2html(self.name)
        return self._queue_automated_mail(self._get_mail_subject(), body, emails)

    def _send_reminder(self, email, with_history):
        """Remind the responsible or the partner of the case by email."""
        self.ensure_one()
        if not email:
            return False
        last_message = self.message_ids.filtered("body")[:1]
        body = (
            self._get_history_html()
            if with_history
            else (last_message.body or self.description or plaintext2html(self.name))
        )
        attachments = (
            self.env["ir.attachment"].search(
                [("res_model", "=", self._name), ("res_id", "=", self.id)]
            )
            if with_history
            else None
        )
        return self._queue_automated_mail(
            self._get_mail_subject(prefix=_("Reminder: ")), body, [email], attachments
        )

    def _get_rule_mail_values(self):
        self.ensure_one()
        state_labels = dict(self._fields["state"]._description_selection(self.env))
        return {
            "case_id": self.id,
            "case_subject": self.name,
            "case_description": html2plaintext(self.description or ""),
            "case_date": fields.Datetime.to_string(self.date) or "/",
            "case_deadline": fields.Datetime.to_string(self.date_deadline) or "/",
            "case_state": state_labels[self.state],
            "case_section": self.section_id.complete_name,
            "email_from": self.email_from or "/",
            "partner": self.partner_id.name or "/",
            "partner_email": self.partner_address_id.email or "/",
            "case_user": self.user_id.name or "/",
            "case_user_email": self.user_id.email or "/",
            "case_user_phone": self.user_id.phone or "/",
        }

    def _render_rule_mail_body(self, template):
        """Fill a rule's predefined mail body; values are escaped as plain text.

        Only the named placeholders are replaced, in one pass: no format
        specification of the body is ever applied, and a value that looks like
        a placeholder stays as it is."""
        values = self._get_rule_mail_values()

        def replace(match):
            if match.group(0) == "%%":
                return "%"
            return str(values.get(match.group(1), match.group(0)))

        return plaintext2html(MAIL_BODY_TOKEN_RE.sub(replace, template))

    # ------------------------------------------------------------
    # Lateness (generated menus, section dashboards)
    # ------------------------------------------------------------

    is_late = fields.Boolean(
        string="Late",
        compute="_compute_is_late",
        search="_search_is_late",
        help="The deadline has passed and the case is neither closed nor cancelled.",
    )

    @api.depends("date_deadline", "state")
    def _compute_is_late(self):
        now = fields.Datetime.now()
        unclosed = self._get_unclosed_states()
        for case in self:
            case.is_late = bool(
                case.date_deadline
                and case.date_deadline < now
                and case.state in unclosed
            )

    def _search_is_late(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Search the late cases with Late is set or not set."))
        now = fields.Datetime.now()
        unclosed = self._get_unclosed_states()
        if (operator == "=") == value:
            return [("date_deadline", "<", now), ("state", "in", unclosed)]
        return [
            "|",
            "|",
            ("date_deadline", "=", False),
            ("date_deadline", ">=", now),
            ("state", "not in", unclosed),
        ]

    # ------------------------------------------------------------
    # Mail gateway
    # ------------------------------------------------------------

    def init(self):
        res = super().init()
        # Time rules counting from the creation date search on it.
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS crm_case_create_date_index "
            "ON crm_case (create_date)"
        )
        # The same incoming mail is recorded once on the cases, even when two
        # fetches or mailgates deliver it at the same time: the second insert
        # waits for the first transaction and then fails on this index.
        self.env.cr.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS crm_case_mail_message_id_uniq "
            "ON mail_message (message_id) "
            "WHERE model = 'crm.case' AND message_type = 'email'"
        )
        return res

    @api.model
    def _is_gateway_auto_submitted(self):
        """True while processing an auto-reply, a bounce or a list mail: no
        automatic mail (acknowledgement, rule mail) may answer it."""
        return bool(self.env.context.get("crm_case_gateway_auto_submitted"))

    @api.model
    def _gateway_default_section(self):
        server_id = self.env.context.get("default_fetchmail_server_id")
        if server_id:
            server = self.env["fetchmail.server"].browse(server_id).exists()
            if server.crm_case_section_id:
                return server.crm_case_section_id
        return self.env["crm.case.section"].browse(self._default_section_id())

    @api.model
    def _prepare_gateway_case_values(self, msg_dict):
        """Values of a case created from an incoming mail."""
        email_from = msg_dict.get("email_from") or ""
        values = {
            "name": (msg_dict.get("subject") or "").strip()[:GATEWAY_NAME_SIZE]
            or _("(no subject)"),
            "description": msg_dict.get("body") or False,
            "email_from": email_from or False,
            "user_id": False,
        }
        section = self._gateway_default_section()
        if section:
            values["section_id"] = section.id
        partner = self._mail_find_partner_from_emails([email_from])[0]
        if partner:
            values["partner_id"] = partner.commercial_partner_id.id
            if partner != partner.commercial_partner_id:
                values["partner_address_id"] = partner.id
        return values

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        tagged_case = self._gateway_find_tagged_case(msg_dict)
        if tagged_case and tagged_case._gateway_is_case_sender(msg_dict):
            tagged_case.message_update(msg_dict)
            return tagged_case
        defaults = self._prepare_gateway_case_values(msg_dict)
        defaults.update(custom_values or {})
        if not defaults.get("section_id"):
            raise UserError(
                _(
                    "The mail %(subject)s from %(sender)s reached no section: give "
                    "the incoming mail server a section or write to a section's "
                    "address.",
                    subject=defaults["name"],
                    sender=msg_dict.get("email_from") or "?",
                )
            )
        case = super().message_new(msg_dict, custom_values=defaults)
        if tagged_case:
            case._message_log(
                body=_(
                    "This mail claims to be about case [%(case_id)s], but its "
                    "sender %(sender)s does not belong to that case: it was kept "
                    "apart in this new case.",
                    case_id=tagged_case.id,
                    sender=msg_dict.get("email_from") or "?",
                )
            )
        if not self._is_gateway_auto_submitted():
            case._gateway_send_acknowledgement()
        return case

    def message_update(self, msg_dict, update_vals=None):
        res = super().message_update(msg_dict, update_vals=update_vals)
        if not self._is_gateway_auto_submitted():
            for case in self:
                case._gateway_apply_reply(msg_dict)
        return res

    @api.model
    def _gateway_find_tagged_case(self, msg_dict):
        """The existing case whose tag ``[<id>]`` the subject carries, if any."""
        match = CASE_TAG_RE.search(msg_dict.get("subject") or "")
        if not match:
            return self.browse()
        return self.browse(int(match.group(1))).exists()

    def _gateway_sender_email(self, msg_dict):
        return email_normalize(msg_dict.get("email_from") or "") or ""

    def _gateway_partner_emails(self):
        self.ensure_one()
        emails = (self.partner_id.email, self.partner_address_id.email, self.email_from)
        return {email_normalize(email) for email in emails if email} - {False}

    def _gateway_is_case_sender(self, msg_dict):
        """Whether the sender of a mail may update the case through its tag: its
        partner or contact, responsible, a watcher, a follower or an employee."""
        self.ensure_one()
        sender = self._gateway_sender_email(msg_dict)
        if not sender:
            return False
        allowed = self._gateway_partner_emails()
        allowed.add(email_normalize(self.user_id.email or ""))
        allowed.update(email_normalize(cc) for cc in email_split(self.email_cc or ""))
        allowed.update(
            email_normalize(partner.email or "") for partner in self.message_partner_ids
        )
        if sender in allowed:
            return True
        return bool(
            self.env["res.users"].search_count(
                [("share", "=", False), ("email_normalized", "=", sender)], limit=1
            )
        )

    def _gateway_apply_reply(self, msg_dict):
        """Move the case after a mail of its responsible or of its partner."""
        self.ensure_one()
        sender = self._gateway_sender_email(msg_dict)
        if not sender:
            return
        if self.user_id and sender == email_normalize(self.user_id.email or ""):
            self._gateway_apply_responsible_reply()
        elif sender in self._gateway_partner_emails():
            self._gateway_apply_partner_reply()

    def _gateway_apply_partner_reply(self):
        """Reopen a closed or pending case the partner answers, by mail or on
        the portal. Unlike Open, it makes nobody responsible: neither the
        gateway's user nor a portal user should become so."""
        if self.state == "done":
            self.action_draft()
        if self.state in ("draft", "pending"):
            now = fields.Datetime.now()
            self._set_state("open", lambda case: {"date_open": case.date_open or now})

    def _gateway_apply_responsible_reply(self):
        target = self.section_id.gateway_reply_state
        if target == "unchanged" or self.state == target:
            return
        if target not in ("done", "pending") or self.state not in ("draft", "open"):
            return
        if self.state == "draft":
            self.action_open()
        if target == "done":
            self.action_close()
        else:
            self.action_pending()

    def _gateway_send_acknowledgement(self):
        """Tell the sender of a mail that its case was created, when its section
        says so."""
        self.ensure_one()
        if not self.section_id.gateway_acknowledge:
            return False
        return self._send_acknowledgement()

    def _send_acknowledgement(self):
        """Mail the partner email the tag of its new case."""
        self.ensure_one()
        if not email_normalize(self.email_from or ""):
            return False
        body = Markup("<p>%s</p>") % _(
            "We received your request and opened the case [%(case_id)s] about it. "
            "Keep the tag in the subject when you answer.",
            case_id=self.id,
        )
        # sudo: the gateway user may post on the case but not create mails.
        return (
            self.env["mail.mail"]
            .sudo()
            .create(
                {
                    "subject": self._get_mail_subject(),
                    "body_html": body,
                    "email_to": self.email_from,
                    "reply_to": self.section_id._get_gateway_reply_to()
                    or self._notify_get_reply_to()[self.id],
                    "model": self._name,
                    "res_id": self.id,
                    "headers": repr(self._get_automated_mail_headers()),
                    "auto_delete": False,
                }
            )
        )

    def _message_compute_subject(self):
        """Mails about a case start with its tag."""
        if len(self) == 1:
            return self._get_mail_subject()
        return super()._message_compute_subject()

    def _notify_by_email_get_base_mail_values(self, message, additional_values=None):
        values = super()._notify_by_email_get_base_mail_values(
            message, additional_values=additional_values
        )
        if len(self) == 1:
            subject = " ".join(
                (values.get("subject") or message.subject or "").splitlines()
            )
            tag = f"[{self.id}]"
            if not subject.startswith(tag):
                values["subject"] = f"{tag} {subject or self.name}"
        return values

    # ------------------------------------------------------------
    # Portal
    # ------------------------------------------------------------

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for case in self:
            case.access_url = f"/my/cases/{case.id}"
        return res

    @api.returns("mail.message", lambda value: value.id)
    def message_post(self, **kwargs):
        message = super().message_post(**kwargs)
        if self._is_portal_reply(message):
            # A customer may not write on its case: its answer moves the case
            # with the gateway's rights, as the same answer by mail would.
            self.with_user(SUPERUSER_ID)._gateway_apply_partner_reply()
        return message

    def _is_portal_reply(self, message):
        """Whether a posted message is a portal user's answer to the case."""
        return (
            len(self) == 1
            and message.message_type == "comment"
            and self.env.user._is_portal()
            and not self.env.context.get("crm_case_new_request")
        )

    @api.model
    def _get_portal_case_domain(self, partner):
        """The cases of a partner's company: the portal rule's domain."""
        commercial = partner.commercial_partner_id
        return [
            "|",
            ("partner_id", "child_of", commercial.id),
            ("partner_address_id", "child_of", commercial.id),
        ]

    @api.model
    def _check_request_section(self, section, categ, public=False):
        """Refuse a request in a section not offered to its sender."""
        if section not in self.env["crm.case.section"]._get_portal_sections(public):
            raise UserError(_("Choose one of the sections offered for requests."))
        if categ and categ.section_id != section:
            raise UserError(
                _(
                    "The category %(categ)s does not belong to the section "
                    "%(section)s.",
                    categ=categ.name,
                    section=section.complete_name,
                )
            )

    @api.model
    def _portal_create_request(
        self, section, subject, description, categ=None, attachments=None
    ):
        """Open a case for the portal user, as the gateway does for a mail.

        :param attachments: list of (file name, content) to attach
        :return: the new case, with sudo rights
        """
        categ = categ or self.env["crm.case.categ"]
        self._check_request_section(section, categ)
        partner = self.env.user.partner_id
        # sudo: portal users may not create cases; this is their one way in.
        case = self.sudo().create(
            {
                "name": subject[:GATEWAY_NAME_SIZE],
                "description": plaintext2html(description) if description else False,
                "section_id": section.id,
                "categ_id": categ.id,
                "partner_id": partner.commercial_partner_id.id,
                "partner_address_id": partner.id,
                "email_from": partner.email_formatted or False,
                "user_id": False,
            }
        )
        case.message_subscribe(partner_ids=partner.ids)
        if attachments:
            case.with_context(crm_case_new_request=True).message_post(
                body=_("Files sent with the request."),
                author_id=partner.id,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                attachments=attachments,
            )
        case._gateway_send_acknowledgement()
        return case

    @api.model
    def _public_create_request(self, section, name, email, subject, description):
        """Open a case from the public form and acknowledge it to the sender.

        :return: the new case, with sudo rights
        """
        self._check_request_section(section, None, public=True)
        if not email_normalize(email or ""):
            raise UserError(_("Enter a valid email address."))
        msg_dict = {
            "subject": subject,
            "body": plaintext2html(description or ""),
            "email_from": formataddr((name or "", email)),
        }
        # sudo: the visitor has no rights; the values are built as for a mail.
        values = self.sudo()._prepare_gateway_case_values(msg_dict)
        values["section_id"] = section.id
        case = self.sudo().create(values)
        case._send_acknowledgement()
        return case
