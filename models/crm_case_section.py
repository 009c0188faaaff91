from ast import literal_eval

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError


class CrmCaseSection(models.Model):
    _name = "crm.case.section"
    _inherit = ["mail.alias.mixin"]
    _description = "Case Section"
    _parent_store = True
    _rec_name = "complete_name"
    _order = "sequence, complete_name, id"
    _check_company_auto = True

    name = fields.Char(string="Case Section", required=True, translate=True)
    code = fields.Char(help="Short code of the section, used by scripts and imports.")
    complete_name = fields.Char(
        compute="_compute_complete_name", store=True, recursive=True
    )
    parent_id = fields.Many2one(
        "crm.case.section",
        string="Parent Section",
        index=True,
        ondelete="restrict",
        check_company=True,
        help="Cases escalated from this section move to the parent section.",
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many(
        "crm.case.section", "parent_id", string="Child Sections"
    )
    user_id = fields.Many2one(
        "res.users",
        string="Manager",
        check_company=True,
        help="Becomes the responsible of the cases escalated into this section.",
    )
    member_ids = fields.Many2many(
        "res.users",
        "crm_case_section_member_rel",
        "section_id",
        "user_id",
        string="Members",
        check_company=True,
    )
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        default=lambda self: self.env.company,
    )
    reply_to = fields.Char(
        string="Reply-To",
        help="The address put in the Reply-To of the emails sent about the cases "
        "of this section, so that answers come back to the case.",
    )
    categ_ids = fields.One2many("crm.case.categ", "section_id", string="Categories")
    alias_id = fields.Many2one(
        help="Mails sent to this address create cases in the section; answers "
        "to the mails of its cases come back to them."
    )
    gateway_reply_state = fields.Selection(
        [("done", "Closed"), ("pending", "Pending"), ("unchanged", "Unchanged")],
        string="Responsible's Reply Sets",
        default="done",
        required=True,
        help="State given to a case when its responsible answers it by email: "
        "Closed, Pending (waiting for the partner) or left unchanged.",
    )
    gateway_acknowledge = fields.Boolean(
        string="Acknowledge New Cases",
        help="Send an automatic acknowledgement to the sender of a mail that "
        "creates a case (never to auto-replies or bounces).",
    )
    gateway_sender_policy = fields.Selection(
        [("off", "Off"), ("flag", "Flag"), ("strict", "Strict")],
        string="Unverified Senders",
        help="What a mail whose sender is not proven by a trusted "
        "Authentication-Results header (DMARC, or an aligned DKIM signature) may "
        "do. Off: as any mail. Flag: it is kept, marked, and never moves a case "
        "nor joins one by its [id] tag. Strict: it is kept in Failed Incoming "
        "Mails for a manager to release. Empty: Flag once an incoming mail "
        "server or the mail pipe trusts a receiving server, Off before.",
    )
    portal_available = fields.Boolean(
        string="Available on the Portal",
        help="Portal users may open requests in this section from their portal.",
    )
    portal_public = fields.Boolean(
        string="Public",
        help="Anybody may open a request in this section with the public form, "
        "without an account.",
    )
    case_ids = fields.One2many("crm.case", "section_id", string="Cases")
    case_count = fields.Integer(compute="_compute_case_counts", string="Case Count")
    open_case_count = fields.Integer(
        compute="_compute_case_counts", string="Open Case Count"
    )

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique (code, company_id)",
            "The code of a section must be unique in its company.",
        ),
    ]

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self):
        for section in self:
            if section.parent_id:
                section.complete_name = (
                    f"{section.parent_id.complete_name} / {section.name}"
                )
            else:
                section.complete_name = section.name

    def _compute_case_counts(self):
        groups = self.env["crm.case"]._read_group(
            [("section_id", "in", self.ids)],
            ["section_id", "state"],
            ["__count"],
        )
        totals = dict.fromkeys(self.ids, 0)
        open_totals = dict.fromkeys(self.ids, 0)
        for section, state, count in groups:
            totals[section.id] += count
            if state in self.env["crm.case"]._get_unclosed_states():
                open_totals[section.id] += count
        for section in self:
            section.case_count = totals.get(section.id, 0)
            section.open_case_count = open_totals.get(section.id, 0)

    @api.constrains("parent_id")
    def _check_parent_id(self):
        if self._has_cycle():
            self._raise_recursion_error()

    def _raise_recursion_error(self):
        raise ValidationError(
            _(
                "A section cannot be its own parent, directly or through its "
                "parent sections."
            )
        )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def write(self, vals):
        # The parent store refuses a cycle with a bare "Recursion Detected."
        # before constraints run: check first to give the user a clear message.
        if vals.get("parent_id"):
            new_parent = self.browse(vals["parent_id"])
            descendants = self.search([("id", "child_of", self.ids)])
            if new_parent in descendants:
                self._raise_recursion_error()
        return super().write(vals)

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_open_cases(self):
        """Open the cases of this section and of its sub-sections."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_case.crm_case_action"
        )
        action.update(
            name=self.complete_name,
            domain=[("section_id", "child_of", self.id)],
            context={"default_section_id": self.id},
        )
        return action

    def action_open_unclosed_cases(self):
        """Open the draft, open and pending cases of this section and below."""
        action = self.action_open_cases()
        action["domain"] += [
            ("state", "in", self.env["crm.case"]._get_unclosed_states())
        ]
        return action

    def action_view_case_report(self):
        """Open the statistics of this section and of its sub-sections, by user."""
        self.ensure_one()
        return self.env["crm.case.report"]._get_statistics_action(
            _("Statistics of %(section)s", section=self.complete_name),
            [("section_id", "child_of", self.id)],
            ["user_id"],
        )

    # ------------------------------------------------------------
    # Generated menus and dashboard
    # ------------------------------------------------------------

    generated_menu_ids = fields.One2many(
        "crm.case.section.menu", "section_id", string="Generated Menus"
    )
    dashboard_open_count = fields.Integer(
        compute="_compute_dashboard_counts", string="Open"
    )
    dashboard_pending_count = fields.Integer(
        compute="_compute_dashboard_counts", string="Pending"
    )
    dashboard_late_count = fields.Integer(
        compute="_compute_dashboard_counts", string="Late"
    )
    dashboard_unassigned_count = fields.Integer(
        compute="_compute_dashboard_counts", string="Unassigned"
    )

    def _get_dashboard_domains(self):
        """Case domains of the counters of the section dashboard, by key."""
        unclosed = self.env["crm.case"]._get_unclosed_states()
        return {
            "open": [("state", "=", "open")],
            "pending": [("state", "=", "pending")],
            "late": [("is_late", "=", True)],
            "unassigned": [("user_id", "=", False), ("state", "in", unclosed)],
        }

    def _compute_dashboard_counts(self):
        """Count the cases of each section and of its sub-sections, as the
        links of the dashboard open them."""
        sections = self.filtered("id")
        counts = {key: {} for key in self._get_dashboard_domains()}
        for key, domain in self._get_dashboard_domains().items():
            groups = self.env["crm.case"]._read_group(
                [("section_id", "child_of", sections.ids), *domain],
                ["section_id"],
                ["__count"],
            )
            for case_section, count in groups:
                for section in sections:
                    if case_section.parent_path.startswith(section.parent_path):
                        counts[key][section.id] = counts[key].get(section.id, 0) + count
        for section in self:
            section.dashboard_open_count = counts["open"].get(section.id, 0)
            section.dashboard_pending_count = counts["pending"].get(section.id, 0)
            section.dashboard_late_count = counts["late"].get(section.id, 0)
            section.dashboard_unassigned_count = counts["unassigned"].get(section.id, 0)

    @api.ondelete(at_uninstall=False)
    def _unlink_generated_menus(self):
        self.generated_menu_ids.unlink()

    def action_open_dashboard_cases(self):
        """Open the cases behind one counter of the dashboard (``case_filter``)."""
        self.ensure_one()
        self.check_access("read")
        key = self.env.context.get("case_filter")
        domains = self._get_dashboard_domains()
        if key not in domains:
            raise UserError(_("Unknown case counter: %(key)s.", key=key))
        action = self.action_open_cases()
        action["domain"] += domains[key]
        return action

    def action_remove_generated_menus(self):
        """Remove the menus generated for this section by the menu wizard."""
        self.check_access("write")
        self.generated_menu_ids.unlink()
        return {"type": "ir.actions.client", "tag": "reload"}

    # ------------------------------------------------------------
    # Mail gateway
    # ------------------------------------------------------------

    def _alias_get_creation_values(self):
        values = super()._alias_get_creation_values()
        values["alias_model_id"] = self.env["ir.model"]._get_id("crm.case")
        if self.id:
            defaults = literal_eval(self.alias_defaults or "{}")
            defaults["section_id"] = self.id
            values["alias_defaults"] = repr(defaults)
        return values

    @api.model
    def _is_sender_trust_configured(self):
        """Whether an incoming mail server or the pipe trusts the verdicts of a
        receiving server."""
        # sudo: the gateway user and the case users may not read the servers.
        return bool(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("crm_case.mail_trusted_authserv_id")
            or self.env["fetchmail.server"]
            .sudo()
            .search_count([("crm_case_trusted_authserv_id", "!=", False)], limit=1)
        )

    def _get_gateway_sender_policy(self):
        """The policy of the section on unverified senders: its own, or Flag
        once some trust is configured."""
        self.ensure_one()
        if self.gateway_sender_policy:
            return self.gateway_sender_policy
        return "flag" if self._is_sender_trust_configured() else "off"

    def _gateway_trusts_sender(self, msg_dict):
        """Whether a mail may act on the cases of this section as its sender:
        its sender is proven, released by a manager, or the policy is Off."""
        self.ensure_one()
        if msg_dict.get("crm_case_sender_verdict") in ("verified", "released"):
            return True
        return self._get_gateway_sender_policy() == "off"

    def _get_gateway_reply_to(self):
        """The address answers to the mails of the section's cases go to."""
        self.ensure_one()
        return self.reply_to or self.alias_email or False

    # ------------------------------------------------------------
    # Portal
    # ------------------------------------------------------------

    @api.model
    def _get_portal_sections(self, public=False):
        """The sections offered on the portal, or on the public form."""
        field = "portal_public" if public else "portal_available"
        # sudo: portal and public users may not read sections; these are only
        # the ones offered to them, in their companies.
        return self.sudo().search(
            [(field, "=", True), ("company_id", "in", [False, *self.env.companies.ids])]
        )
