"""The service levels of a case: its statuses, kept up to date on every change
that moves them, at once for a few cases and by the rule cron for many."""

from odoo import api, fields, models
from odoo.tools import SQL

from .crm_case_sla_status import SLA_STATE_SEVERITY, SLA_STATES

# The case fields that choose the policies of a case or move its clocks.
SLA_CASE_FIELDS = {
    "section_id",
    "priority",
    "categ_id",
    "partner_id",
    "state",
    "company_id",
    "date_first_response",
    "date_closed",
}
# Up to this many cases are recomputed in the transaction of the change;
# more are marked and left to the rule cron, in batches of this size
# (ir.config_parameter crm_case.sla_batch_size).
SLA_BATCH_SIZE = 500


class CrmCase(models.Model):
    _inherit = "crm.case"

    sla_status_ids = fields.One2many(
        "crm.case.sla.status", "case_id", string="Service Levels", readonly=True
    )
    sla_state = fields.Selection(
        SLA_STATES,
        string="Service Level",
        readonly=True,
        copy=False,
        index=True,
        help="The worst state of the case's service level policies.",
    )
    sla_dirty = fields.Boolean(
        string="Service Levels to Recompute", readonly=True, copy=False
    )
    date_first_response = fields.Datetime(
        string="First Response",
        readonly=True,
        copy=False,
        index=True,
        help="When a user first sent a message to the partner.",
    )

    def init(self):
        res = super().init()
        # The cron fetches the marked cases batch by batch: the partial index
        # stays as small as the work left.
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS crm_case_sla_dirty_index "
            "ON crm_case (id) WHERE sla_dirty"
        )
        return res

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        cases = super().create(vals_list)
        cases._sla_schedule()
        return cases

    def write(self, vals):
        result = super().write(vals)
        if SLA_CASE_FIELDS & set(vals):
            self._sla_schedule()
        return result

    # ------------------------------------------------------------
    # Service levels
    # ------------------------------------------------------------

    def _sla_get_reached_date(self, target_type):
        """When the case reached a target of this type, or False.

        Closing a case stops its clocks: a case closed without an answer to
        the partner counts its first response at the closing.
        """
        self.ensure_one()
        closed = self.state == "done" and self.date_closed
        if target_type == "first_response":
            return self.date_first_response or closed or False
        return closed or False

    def _sla_schedule(self):
        """Recompute the statuses of these cases now when they are few; else
        mark them for the rule cron."""
        if not self:
            return
        if len(self) <= self._sla_get_batch_size():
            self.env["crm.case.sla.status"]._recompute_cases(self)
            return
        self.flush_recordset(["sla_dirty"])
        self.env.cr.execute(
            SQL(
                "UPDATE crm_case SET sla_dirty = TRUE WHERE id = ANY(%s)",
                list(self.ids),
            )
        )
        self.invalidate_recordset(["sla_dirty"])
        self._sla_trigger_cron()

    @api.model
    def _sla_schedule_sections(self, section_ids):
        """Recompute the statuses of the unclosed cases of these sections:
        marked in one statement, then done at once when they are few."""
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """UPDATE crm_case SET sla_dirty = TRUE
                    WHERE section_id = ANY(%s) AND state = ANY(%s)
                RETURNING id""",
                list(section_ids),
                self._get_unclosed_states(),
            )
        )
        case_ids = [row[0] for row in self.env.cr.fetchall()]
        self.invalidate_model(["sla_dirty"])
        if len(case_ids) <= self._sla_get_batch_size():
            self.browse(case_ids)._sla_recompute_marked()
        else:
            self._sla_trigger_cron()

    @api.model
    def _sla_get_batch_size(self):
        return int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("crm_case.sla_batch_size", SLA_BATCH_SIZE)
        )

    @api.model
    def _sla_trigger_cron(self):
        self.env.ref("crm_case.ir_cron_check_case_rules").sudo()._trigger()

    def _sla_recompute_marked(self):
        self.env["crm.case.sla.status"]._recompute_cases(self)
        self.env.cr.execute(
            SQL("UPDATE crm_case SET sla_dirty = FALSE WHERE id = ANY(%s)", self.ids)
        )
        self.invalidate_recordset(["sla_dirty"])

    @api.model
    def _sla_process_marked(self, commit):
        """Recompute the marked cases, batch by batch.

        :param commit: a function called after each batch (the cron commits)
        """
        while True:
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM crm_case WHERE sla_dirty ORDER BY id LIMIT %s",
                    self._sla_get_batch_size(),
                )
            )
            case_ids = [row[0] for row in self.env.cr.fetchall()]
            if not case_ids:
                return
            self.browse(case_ids)._sla_recompute_marked()
            commit()

    def _sla_refresh_state(self):
        """Store the worst state of each case's statuses, in one statement."""
        if not self.ids:
            return
        self.env["crm.case.sla.status"].flush_model()
        severity = SQL(", ").join(SQL("%s", state) for state in SLA_STATE_SEVERITY)
        self.env.cr.execute(
            SQL(
                """UPDATE crm_case c
                      SET sla_state = (
                          SELECT s.state FROM crm_case_sla_status s
                           WHERE s.case_id = c.id
                        ORDER BY array_position(ARRAY[%s]::varchar[], s.state::varchar)
                           LIMIT 1)
                    WHERE c.id = ANY(%s)""",
                severity,
                list(self.ids),
            )
        )
        self.invalidate_recordset(["sla_state", "sla_status_ids"])
