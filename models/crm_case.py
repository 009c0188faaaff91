from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

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
