from odoo import _, fields, models, tools
from odoo.tools import SQL

from ..models.crm_case import CASE_PRIORITIES, CASE_STATES
from .crm_case_report_cell import (
    CASE_DELAY_CLOSE,
    CASE_WEIGHTED_REVENUE,
)

# The measures of the summary (PDF and section/user statistics), with the
# aggregate the web client uses for each.
SUMMARY_AGGREGATES = [
    "__count",
    "delay_close:avg",
    "delay_close:count",
    "planned_revenue:sum",
    "planned_cost:sum",
    "weighted_revenue:sum",
    "escalation_count:sum",
    "rule_log_count:sum",
]


class CrmCaseReport(models.Model):
    """One row per case, with the dimensions and measures of the statistics."""

    _name = "crm.case.report"
    _description = "Cases Analysis"
    _auto = False
    _rec_name = "name"
    _order = "date desc, id desc"

    case_id = fields.Many2one("crm.case", string="Case", readonly=True)
    name = fields.Char(string="Description", readonly=True)
    date = fields.Datetime(string="Case Date", readonly=True)
    date_closed = fields.Datetime(string="Closed", readonly=True)
    user_id = fields.Many2one("res.users", string="User Responsible", readonly=True)
    section_id = fields.Many2one("crm.case.section", string="Section", readonly=True)
    categ_id = fields.Many2one("crm.case.categ", string="Category", readonly=True)
    state = fields.Selection(CASE_STATES, string="Status", readonly=True)
    priority = fields.Selection(CASE_PRIORITIES, readonly=True)
    partner_id = fields.Many2one("res.partner", string="Partner", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    active = fields.Boolean(readonly=True)
    delay_close = fields.Float(
        string="Days to Close",
        digits=(16, 2),
        aggregator="avg",
        readonly=True,
        help="Days from the case date to its closing, for closed cases; "
        "averaged over a group.",
    )
    planned_revenue = fields.Monetary(string="Estimated Revenue", readonly=True)
    planned_cost = fields.Monetary(string="Estimated Cost", readonly=True)
    weighted_revenue = fields.Monetary(
        string="Weighted Revenue",
        readonly=True,
        help="Estimated revenue multiplied by the probability.",
    )
    probability = fields.Float(
        string="Probability (%)", aggregator="avg", readonly=True
    )
    escalation_count = fields.Integer(string="Escalations", readonly=True)
    rule_log_count = fields.Integer(string="Rule Firings", readonly=True)
    rating_value = fields.Float(
        string="Average Rating",
        digits=(16, 2),
        aggregator="avg",
        readonly=True,
        help="The customer's last rating of the case (1 to 5); averaged over the "
        "rated cases of a group.",
    )
    rated_count = fields.Integer(string="Rated Cases", readonly=True)
    rating_dissatisfied_count = fields.Integer(
        string="Dissatisfied Ratings",
        readonly=True,
        help="Rated cases whose last rating is below Okay.",
    )

    # ------------------------------------------------------------
    # SQL view
    # ------------------------------------------------------------

    def _select(self):
        return SQL(
            """
            SELECT
                c.id AS id,
                c.id AS case_id,
                c.name AS name,
                c.date AS date,
                c.date_closed AS date_closed,
                c.user_id AS user_id,
                c.section_id AS section_id,
                c.categ_id AS categ_id,
                c.state AS state,
                c.priority AS priority,
                c.partner_id AS partner_id,
                c.company_id AS company_id,
                company.currency_id AS currency_id,
                c.active AS active,
                -- float8, not numeric: far lighter to average over every case
                %(delay_close)s AS delay_close,
                COALESCE(c.planned_revenue, 0) AS planned_revenue,
                COALESCE(c.planned_cost, 0) AS planned_cost,
                %(weighted_revenue)s AS weighted_revenue,
                COALESCE(c.probability, 0) AS probability,
                COALESCE(c.escalation_count, 0) AS escalation_count,
                COALESCE(logs.firing_count, 0) AS rule_log_count,
                -- NULL when not rated: the average counts the rated cases only
                NULLIF(c.rating_last_value, 0) AS rating_value,
                (COALESCE(c.rating_last_value, 0) > 0)::int AS rated_count,
                (COALESCE(c.rating_last_value, 0) > 0
                    AND c.rating_last_value < 3)::int AS rating_dissatisfied_count
            """,
            delay_close=SQL(CASE_DELAY_CLOSE),
            weighted_revenue=SQL(CASE_WEIGHTED_REVENUE),
        )

    def _from(self):
        # LEFT JOINs on unique keys: PostgreSQL drops them from the queries
        # that read none of their columns, such as the usual count pivot.
        return SQL(
            """
            FROM crm_case c
            LEFT JOIN res_company company ON company.id = c.company_id
            LEFT JOIN (
                SELECT case_id, count(*) AS firing_count
                  FROM crm_case_rule_log
                 GROUP BY case_id
            ) logs ON logs.case_id = c.id
            """
        )

    def _where(self):
        return SQL("")

    def _query(self):
        return SQL("%s %s %s", self._select(), self._from(), self._where())

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
    # Actions
    # ------------------------------------------------------------

    def _get_statistics_action(self, name, domain, row_groupby):
        """Statistics action on ``domain``, its pivot rows grouped by ``row_groupby``.

        Refuse those who may not read the statistics: the buttons opening them
        can be called over RPC by users the forms hide them from.
        """
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_case.crm_case_report_action"
        )
        action.update(
            name=name,
            domain=domain,
            context={"pivot_row_groupby": row_groupby},
        )
        return action

    def action_open_case(self):
        """Open the case of a statistics line (the list's drill-down)."""
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": _("Case"),
            "res_model": "crm.case",
            "res_id": self.case_id.id,
            "views": [(False, "form")],
            "target": "current",
        }

    # ------------------------------------------------------------
    # Printable summary
    # ------------------------------------------------------------

    def _get_summary_lines(self):
        """The lines of the "Cases by User and Section" summary of these rows.

        :return: a list of dicts (user, section and the measures), sorted by
            user then section, followed by the totals (empty user and section)
        """
        groups = self._read_group(
            [("id", "in", self.ids)],
            ["user_id", "section_id"],
            SUMMARY_AGGREGATES,
        )
        lines = [
            self._prepare_summary_line(user, section, values)
            for user, section, *values in groups
        ]
        lines.sort(
            key=lambda line: (
                line["user"].name or "",
                line["section"].display_name or "",
            )
        )
        totals = self._read_group([("id", "in", self.ids)], [], SUMMARY_AGGREGATES)
        lines.append(
            self._prepare_summary_line(
                self.env["res.users"], self.env["crm.case.section"], totals[0]
            )
        )
        return lines

    def _prepare_summary_line(self, user, section, values):
        aggregates = dict(zip(SUMMARY_AGGREGATES, values, strict=True))
        line = {
            key.split(":")[0]: value
            for key, value in aggregates.items()
            if key != "delay_close:count"
        }
        # The average over no closed case is no delay, not a zero delay.
        if not aggregates["delay_close:count"]:
            line["delay_close"] = None
        line.update(user=user, section=section)
        return line
