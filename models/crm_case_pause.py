"""The clock of a case pauses while it is Pending (waiting for the partner)."""

from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL

PAUSED_STATE = "pending"


class CrmCasePause(models.Model):
    _name = "crm.case.pause"
    _description = "Case Pause"
    _order = "date_start desc, id desc"

    case_id = fields.Many2one(
        "crm.case", required=True, index=True, ondelete="cascade", readonly=True
    )
    date_start = fields.Datetime(
        string="Pending Since", required=True, default=fields.Datetime.now
    )
    date_end = fields.Datetime(
        string="Pending Until", help="Empty while the case is still Pending."
    )
    company_id = fields.Many2one(related="case_id.company_id", store=True)

    def init(self):
        # At most one running pause per case: the hooks below close it before
        # they open another, and this index proves it.
        self.env.cr.execute(
            """CREATE UNIQUE INDEX IF NOT EXISTS crm_case_pause_running_uniq
                   ON crm_case_pause (case_id) WHERE date_end IS NULL"""
        )


class CrmCase(models.Model):
    _inherit = "crm.case"

    pause_ids = fields.One2many(
        "crm.case.pause", "case_id", string="Pauses", readonly=True
    )
    paused_hours = fields.Float(
        string="Time Pending",
        compute="_compute_paused_hours",
        help="Hours the case has spent Pending, waiting for the partner: the "
        "clock of working-time delays and service levels stops meanwhile.",
    )

    @api.depends("pause_ids.date_start", "pause_ids.date_end")
    def _compute_paused_hours(self):
        now = fields.Datetime.now()
        intervals = self._origin._get_pause_intervals()
        for case in self:
            case.paused_hours = sum(
                ((end or now) - start).total_seconds() / 3600
                for start, end in intervals.get(case._origin.id, ())
                if (end or now) > start
            )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        cases = super().create(vals_list)
        cases.filtered(lambda case: case.state == PAUSED_STATE)._open_pauses()
        return cases

    def write(self, vals):
        if "state" not in vals:
            return super().write(vals)
        was_paused = self.filtered(lambda case: case.state == PAUSED_STATE)
        result = super().write(vals)
        if vals["state"] == PAUSED_STATE:
            (self - was_paused)._open_pauses()
        else:
            was_paused._close_pauses()
        return result

    # ------------------------------------------------------------
    # Pauses
    # ------------------------------------------------------------

    def _open_pauses(self):
        """Start a pause on each case that has no running one, in one insert."""
        if not self:
            return
        # sudo: pauses are bookkeeping of the state change, whoever makes it
        # (a portal answer, a rule, the mail gateway).
        Pause = self.env["crm.case.pause"].sudo()
        # A rule fired by the creation may have made the case Pending already.
        running = Pause.search(
            [("case_id", "in", self.ids), ("date_end", "=", False)]
        ).case_id
        Pause.create([{"case_id": case.id} for case in self - running])

    def _close_pauses(self):
        """End the running pause of each case, in one write."""
        if self:
            # sudo: see _open_pauses.
            self.env["crm.case.pause"].sudo().search(
                [("case_id", "in", self.ids), ("date_end", "=", False)]
            ).write({"date_end": fields.Datetime.now()})

    def _get_pause_intervals(self):
        """The pauses of the cases, in one query.

        :return: {case id: [(start, end or None while running), ...]} in
            order of start; cases without pauses are left out
        """
        if not self.ids:
            return {}
        self.env["crm.case.pause"].flush_model(["case_id", "date_start", "date_end"])
        self.env.cr.execute(
            SQL(
                """SELECT case_id, date_start, date_end FROM crm_case_pause
                    WHERE case_id = ANY(%s) ORDER BY case_id, date_start, id""",
                list(self.ids),
            )
        )
        intervals = defaultdict(list)
        for case_id, start, end in self.env.cr.fetchall():
            intervals[case_id].append((start, end))
        return dict(intervals)
