from odoo import _, api, fields, models, tools
from odoo.osv import expression
from odoo.tools import SQL

from ..models.crm_case import CASE_PRIORITIES

# Aggregates this report adds to read_group: name -> SQL over the expression.
# The web pivot asks for "<field>:<field's aggregator>", so a field whose
# aggregator is "p90" shows the 90th percentile in the pivot.
SLA_REPORT_AGGREGATES = {
    # Continuous percentile, interpolated between the two nearest values as
    # most statistics tools do; NULL (no reached target) values are ignored.
    "p90": lambda expr: SQL("percentile_cont(0.9) WITHIN GROUP (ORDER BY %s)", expr),
}

SLA_TARGET_TYPES = [
    ("first_response", "First Response"),
    ("resolution", "Resolution"),
]
SLA_STATES = [
    ("ongoing", "On Time"),
    ("at_risk", "At Risk"),
    ("breached", "Breached"),
    ("met", "Met"),
]


class CrmCaseSlaReport(models.Model):
    """One row per SLA status line of a case: the service level figures."""

    _name = "crm.case.sla.report"
    _description = "Service Level Analysis"
    _auto = False
    _rec_name = "name"
    _order = "date desc, id desc"

    status_id = fields.Many2one(
        "crm.case.sla.status", string="Service Level Line", readonly=True
    )
    case_id = fields.Many2one("crm.case", string="Case", readonly=True)
    name = fields.Char(string="Description", readonly=True)
    sla_id = fields.Many2one("crm.case.sla", string="Policy", readonly=True)
    target_type = fields.Selection(SLA_TARGET_TYPES, string="Target", readonly=True)
    target_hours = fields.Float(
        string="Target (Working Hours)", aggregator=None, readonly=True
    )
    date = fields.Datetime(string="Case Date", readonly=True)
    deadline = fields.Datetime(readonly=True)
    reached_date = fields.Datetime(string="Reached", readonly=True)
    section_id = fields.Many2one("crm.case.section", string="Section", readonly=True)
    user_id = fields.Many2one("res.users", string="User Responsible", readonly=True)
    categ_id = fields.Many2one("crm.case.categ", string="Category", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Partner", readonly=True)
    priority = fields.Selection(CASE_PRIORITIES, readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    state = fields.Selection(SLA_STATES, string="Service Level", readonly=True)
    active = fields.Boolean(readonly=True)
    hours_taken = fields.Float(
        string="Average Hours",
        digits=(16, 2),
        aggregator="avg",
        readonly=True,
        help="Working hours from the case date to the first response or the "
        "resolution, pauses excluded; averaged over the targets reached.",
    )
    hours_taken_p90 = fields.Float(
        string="90th Percentile Hours",
        digits=(16, 2),
        aggregator="p90",
        readonly=True,
        help="Nine targets in ten were reached within this many working hours.",
    )
    within_target = fields.Float(
        string="Within Target (%)",
        digits=(16, 1),
        aggregator="avg",
        readonly=True,
        help="Share of the targets met in time among those met or breached; "
        "the targets still running are not counted.",
    )
    breached = fields.Integer(
        string="Breached",
        aggregator="sum",
        readonly=True,
        help="Number of targets breached, reached since or not.",
    )

    # ------------------------------------------------------------
    # SQL view
    # ------------------------------------------------------------

    def _select(self):
        return SQL(
            """
            SELECT
                s.id AS id,
                s.id AS status_id,
                s.case_id AS case_id,
                c.name AS name,
                s.sla_id AS sla_id,
                sla.target_type AS target_type,
                sla.target_hours AS target_hours,
                c.date AS date,
                s.deadline AS deadline,
                s.reached_date AS reached_date,
                c.section_id AS section_id,
                c.user_id AS user_id,
                c.categ_id AS categ_id,
                c.partner_id AS partner_id,
                c.priority AS priority,
                c.company_id AS company_id,
                s.state AS state,
                c.active AS active,
                -- Only the targets reached have taken a known time.
                CASE WHEN s.reached_date IS NOT NULL
                     THEN s.hours_taken::float8 END AS hours_taken,
                CASE WHEN s.reached_date IS NOT NULL
                     THEN s.hours_taken::float8 END AS hours_taken_p90,
                -- Averaged into a percentage; NULL while the target runs.
                CASE s.state WHEN 'met' THEN 100.0::float8
                             WHEN 'breached' THEN 0.0::float8 END AS within_target,
                CASE WHEN s.state = 'breached' THEN 1 ELSE 0 END AS breached
            """
        )

    def _from(self):
        return SQL(
            """
            FROM crm_case_sla_status s
            JOIN crm_case c ON c.id = s.case_id
            JOIN crm_case_sla sla ON sla.id = s.sla_id
            """
        )

    def _query(self):
        return SQL("%s %s", self._select(), self._from())

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._query(),
            )
        )

    # ------------------------------------------------------------
    # Access and aggregates
    # ------------------------------------------------------------

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        """Only the lines of the cases the user may read.

        Record rules are evaluated as superuser, so a rule on this view cannot
        apply those of crm.case: the condition on the case is added here, in
        the user's environment, whatever the case's archive state.
        """
        if not self.env.su:
            domain = expression.AND(
                [domain, [("case_id", "any", [("active", "in", [True, False])])]]
            )
        return super()._search(domain, offset=offset, limit=limit, order=order)

    def _read_group_select(self, aggregate_spec, query):
        fname, __, func = models.parse_read_group_spec(aggregate_spec)
        if func not in SLA_REPORT_AGGREGATES:
            return super()._read_group_select(aggregate_spec, query)
        # Let the standard code check the field and its access with "max".
        super()._read_group_select(f"{fname}:max", query)
        return SLA_REPORT_AGGREGATES[func](
            self._field_to_sql(self._table, fname, query)
        )

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_open_case(self):
        """Open the case of a line (the end of the pivot's drill-down)."""
        self.ensure_one()
        self.check_access("read")
        self.case_id.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": _("Case"),
            "res_model": "crm.case",
            "res_id": self.case_id.id,
            "views": [(False, "form")],
            "target": "current",
        }
