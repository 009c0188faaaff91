"""The status of one service level policy on one case, and its computation."""

from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL

from ..utils.working_time import add_working_hours_batch, working_hours_between_batch

SLA_STATES = [
    ("ongoing", "On Time"),
    ("at_risk", "At Risk"),
    ("breached", "Breached"),
    ("met", "Met"),
]
# The order in which a case shows the state of its policies: the worst first.
SLA_STATE_SEVERITY = ["breached", "at_risk", "ongoing", "met"]
# A met target may be a rounding error over the target.
HOURS_TOLERANCE = 1e-6


class CrmCaseSlaStatus(models.Model):
    _name = "crm.case.sla.status"
    _description = "Service Level Status"
    _order = "deadline, id"

    case_id = fields.Many2one(
        "crm.case", required=True, index=True, ondelete="cascade", readonly=True
    )
    sla_id = fields.Many2one(
        "crm.case.sla",
        string="Policy",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    target_type = fields.Selection(related="sla_id.target_type", store=True)
    deadline = fields.Datetime(
        readonly=True,
        help="When the target's working hours are used up. Empty while the case "
        "is Pending: the clock waits for the partner.",
    )
    at_risk_date = fields.Datetime(
        string="At Risk From",
        readonly=True,
        help="When the policy's at-risk share of the target is used up.",
    )
    state = fields.Selection(
        SLA_STATES, required=True, default="ongoing", readonly=True
    )
    reached_date = fields.Datetime(
        string="Reached On",
        readonly=True,
        help="When the target was reached: the first response, or the closing.",
    )
    hours_taken = fields.Float(
        string="Time Taken (Working Hours)",
        readonly=True,
        help="The working hours from the creation of the case to the target, "
        "time spent Pending excluded.",
    )
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)

    _sql_constraints = [
        (
            "case_sla_uniq",
            "UNIQUE (case_id, sla_id)",
            "A case has one status per service level policy.",
        ),
    ]

    def init(self):
        # The rule cron looks for the statuses whose next instant has come:
        # with these, a check with nothing due reads a few index pages.
        for column in ("at_risk_date", "deadline"):
            self.env.cr.execute(
                SQL(
                    "CREATE INDEX IF NOT EXISTS %s ON crm_case_sla_status "
                    "(state, %s)",
                    SQL.identifier(f"crm_case_sla_status_state_{column}_index"),
                    SQL.identifier(column),
                )
            )

    # ------------------------------------------------------------
    # Computation
    # ------------------------------------------------------------

    @api.model
    def _recompute_cases(self, cases):
        """Bring the statuses of ``cases`` up to date with their policies,
        calendars, pauses and targets reached, in a few queries per batch.

        :param cases: a batch of cases (some hundreds)
        """
        # sudo: the statuses are bookkeeping of a change the user may make,
        # whoever they are (a rule, the mail gateway, a portal answer).
        if not self.env.su:
            return self.sudo()._recompute_cases(cases)
        cases = cases.sudo().with_context(active_test=False).exists()
        if not cases:
            return None
        policies = self.env["crm.case.sla"].sudo().search([])
        matchers = [_PolicyMatcher(sla) for sla in policies]
        existing = {
            (status.case_id.id, status.sla_id.id): status
            for status in self.search([("case_id", "in", cases.ids)])
        }
        if not policies and not existing:
            # Nothing to follow: a desk without policies pays no more.
            return None
        wanted = {
            (case.id, matcher.sla.id): (case, matcher.sla)
            for case in cases
            if case.state != "cancel"
            for matcher in matchers
            if matcher.matches(case)
        }
        values = self._compute_values(list(wanted.values()))
        self._apply_values(existing, values)
        # Statuses of policies that no longer apply go, unless their target was
        # reached or missed: that is history, kept as it was.
        obsolete = [
            status.id
            for key, status in existing.items()
            if key not in wanted
            and not status.reached_date
            and status.state != "breached"
        ]
        if obsolete:
            self.browse(obsolete).unlink()
        cases._sla_refresh_state()
        return None

    @api.model
    def _compute_values(self, pairs):
        """{(case id, policy id): status values} for (case, policy) pairs."""
        pauses = (
            pairs
            and self.env["crm.case"]
            .browse({case.id for case, _sla in pairs})
            ._get_pause_intervals()
        )
        by_calendar = defaultdict(list)
        for case, sla in pairs:
            by_calendar[case.section_id.effective_calendar_id].append((case, sla))
        values = {}
        now = fields.Datetime.now()
        for calendar, calendar_pairs in by_calendar.items():
            values.update(
                self._compute_calendar_values(calendar, calendar_pairs, pauses, now)
            )
        return values

    @api.model
    def _compute_calendar_values(self, calendar, pairs, pauses, now):
        instants, reached = [], {}
        for case, sla in pairs:
            key = (case.id, sla.id)
            case_pauses = pauses.get(case.id, ())
            instants.append(
                (key + ("deadline",), case.create_date, sla.target_hours, case_pauses)
            )
            instants.append(
                (
                    key + ("at_risk",),
                    case.create_date,
                    sla.target_hours * sla.at_risk_percent / 100,
                    case_pauses,
                )
            )
            reached_date = case._sla_get_reached_date(sla.target_type)
            if reached_date:
                reached[key] = (key, case.create_date, reached_date, case_pauses)
        dates = add_working_hours_batch(calendar, instants)
        taken = working_hours_between_batch(calendar, reached.values())
        values = {}
        for case, sla in pairs:
            key = (case.id, sla.id)
            vals = {
                "deadline": dates[key + ("deadline",)] or False,
                "at_risk_date": dates[key + ("at_risk",)] or False,
                "reached_date": reached.get(key, (None, None, False))[2],
                "hours_taken": taken.get(key, 0.0),
            }
            vals["state"] = self._get_state(vals, sla, now)
            values[key] = vals
        return values

    @api.model
    def _get_state(self, vals, sla, now):
        if vals["reached_date"]:
            in_time = vals["hours_taken"] <= sla.target_hours + HOURS_TOLERANCE
            return "met" if in_time else "breached"
        if vals["deadline"] and vals["deadline"] <= now:
            return "breached"
        if vals["at_risk_date"] and vals["at_risk_date"] <= now:
            return "at_risk"
        return "ongoing"

    @api.model
    def _apply_values(self, existing, values):
        """Create the new statuses, and update the changed ones in one query."""
        to_create, to_update = [], []
        for (case_id, sla_id), vals in values.items():
            status = existing.get((case_id, sla_id))
            if not status:
                to_create.append(dict(vals, case_id=case_id, sla_id=sla_id))
            elif any(status[name] != value for name, value in vals.items()):
                to_update.append((status.id, vals))
        if to_create:
            self.create(to_create)
        if to_update:
            self._update_rows(to_update)

    @api.model
    def _update_rows(self, rows):
        self.flush_model()
        values = SQL(", ").join(
            SQL(
                "(%s, %s::timestamp, %s::timestamp, %s::timestamp, %s::float8, %s)",
                status_id,
                vals["deadline"] or None,
                vals["at_risk_date"] or None,
                vals["reached_date"] or None,
                vals["hours_taken"],
                vals["state"],
            )
            for status_id, vals in rows
        )
        self.env.cr.execute(
            SQL(
                """UPDATE crm_case_sla_status s
                      SET deadline = v.deadline, at_risk_date = v.at_risk_date,
                          reached_date = v.reached_date,
                          hours_taken = v.hours_taken, state = v.state,
                          write_date = %s, write_uid = %s
                     FROM (VALUES %s) AS v (id, deadline, at_risk_date,
                                            reached_date, hours_taken, state)
                    WHERE s.id = v.id""",
                fields.Datetime.now(),
                self.env.uid,
                values,
            )
        )
        self.invalidate_model()

    # ------------------------------------------------------------
    # Cron
    # ------------------------------------------------------------

    @api.model
    def _cron_update_states(self):
        """Move the statuses whose instant has come: on time → at risk →
        breached, in two statements on the (state, instant) indexes.

        :return: ids of the cases whose statuses changed
        """
        self.flush_model()
        now = fields.Datetime.now()
        self.env.cr.execute(
            SQL(
                """UPDATE crm_case_sla_status SET state = 'breached',
                          write_date = %(now)s
                    WHERE state IN ('ongoing', 'at_risk') AND deadline <= %(now)s
                RETURNING case_id""",
                now=now,
            )
        )
        case_ids = {row[0] for row in self.env.cr.fetchall()}
        self.env.cr.execute(
            SQL(
                """UPDATE crm_case_sla_status SET state = 'at_risk',
                          write_date = %(now)s
                    WHERE state = 'ongoing' AND at_risk_date <= %(now)s
                RETURNING case_id""",
                now=now,
            )
        )
        case_ids.update(row[0] for row in self.env.cr.fetchall())
        self.invalidate_model(["state", "write_date"])
        if case_ids:
            self.env["crm.case"].browse(sorted(case_ids))._sla_refresh_state()
        return case_ids


class _PolicyMatcher:
    """A policy's criteria, read once for a batch of cases."""

    def __init__(self, sla):
        self.sla = sla
        self.section_ids = sla._get_section_ids()
        self.categ_ids = set(sla.categ_ids.ids)
        self.partner_category_ids = sla._get_partner_category_ids()

    def matches(self, case):
        sla = self.sla
        if case.section_id.id not in self.section_ids:
            return False
        if self.categ_ids and case.categ_id.id not in self.categ_ids:
            return False
        # A lower key is more urgent: "1" Highest ... "5" Lowest.
        if sla.priority_from and case.priority > sla.priority_from:
            return False
        if sla.priority_to and case.priority < sla.priority_to:
            return False
        if self.partner_category_ids and not (
            self.partner_category_ids & set(case.partner_id.category_id.ids)
        ):
            return False
        return not sla.company_id or sla.company_id == case.company_id
