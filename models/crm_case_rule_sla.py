"""Rules on service level events: a policy of a case gets at risk or breached."""

from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

SLA_EVENTS = [
    ("at_risk", "SLA At Risk"),
    ("breached", "SLA Breached"),
]
# The status column holding the instant of each event.
SLA_EVENT_COLUMNS = {"at_risk": "at_risk_date", "breached": "deadline"}


class CrmCaseRule(models.Model):
    _inherit = "crm.case.rule"

    trg_date_type = fields.Selection(
        selection_add=[("sla", "Service Level Event")],
        ondelete={"sla": "set default"},
    )
    trg_sla_event = fields.Selection(
        SLA_EVENTS,
        string="Service Level Event",
        help="The rule fires once per case and policy when the policy gets at "
        "risk or is breached.",
    )
    trg_sla_id = fields.Many2one(
        "crm.case.sla",
        string="Service Level Policy",
        check_company=True,
        help="Only this policy's events; empty for the events of any policy.",
    )

    @api.constrains("trg_date_type", "trg_sla_event")
    def _check_sla_event(self):
        for rule in self:
            if rule.trg_date_type == "sla" and not rule.trg_sla_event:
                raise ValidationError(
                    _(
                        "The rule %(rule)s fires on a service level event: "
                        "choose the event (at risk or breached).",
                        rule=rule.name,
                    )
                )
            if rule.trg_date_type == "sla" and rule.trg_date_range:
                raise ValidationError(
                    _(
                        "The rule %(rule)s fires on a service level event, "
                        "which takes no delay: set it on the policy's target "
                        "or at-risk share.",
                        rule=rule.name,
                    )
                )

    # ------------------------------------------------------------
    # Cron
    # ------------------------------------------------------------

    @api.model
    def _cron_check(self):
        """Bring the service levels up to date before the time rules run:
        the cases marked by a policy or calendar change, then the statuses
        whose instant has come."""
        self.env["crm.case"]._sla_process_marked(self._commit_batch)
        self.env["crm.case.sla.status"]._cron_update_states()
        self._commit_batch()
        return super()._cron_check()

    def _check_time_rules(self):
        sla_rules = self.filtered(lambda rule: rule.trg_date_type == "sla")
        for rule in sla_rules:
            rule._check_sla_rule()
        return super(CrmCaseRule, self - sla_rules)._check_time_rules()

    def _get_due_cases(self, limit=None):
        if self.trg_date_type != "sla":
            return super()._get_due_cases(limit=limit)
        return [
            (case_id, instant)
            for _status, case_id, _sla, instant in self._get_due_sla_statuses(limit)
        ]

    # ------------------------------------------------------------
    # Service level events
    # ------------------------------------------------------------

    def _check_sla_rule(self):
        """Fire the rule on the statuses of its event not fired yet, policy by
        policy: the firing log keeps one firing per case, instant and key; the
        instant is the policy's own (its at-risk instant or its deadline) and
        the key is the policy, so that two policies due at the same instant
        fire once each."""
        self.ensure_one()
        batch_size = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("crm_case.rule_batch_size", 500)
        )
        by_policy = defaultdict(list)
        for _status, case_id, sla_id, instant in self._get_due_sla_statuses():
            by_policy[sla_id].append((case_id, instant))
        for sla_id, due in by_policy.items():
            for start in range(0, len(due), batch_size):
                self._fire_batch(due[start : start + batch_size], key=sla_id)
                self._commit_batch()

    def _get_due_sla_statuses(self, limit=None):
        """The statuses in this rule's event on the cases it matches, not
        fired yet; one query.

        :return: list of (status id, case id, policy id, instant)
        """
        self.ensure_one()
        domain = self._get_case_domain()
        domain.append(("state", "in", self.env["crm.case"]._get_unclosed_states()))
        query = self.env["crm.case"]._search(domain)
        column = SQL.identifier("status", SLA_EVENT_COLUMNS[self.trg_sla_event])
        query.add_join(
            "JOIN",
            "status",
            "crm_case_sla_status",
            SQL(
                """status.case_id = crm_case.id AND status.state = %s
                   AND status.reached_date IS NULL""",
                self.trg_sla_event,
            ),
        )
        if self.trg_sla_id:
            query.add_where(SQL("status.sla_id = %s", self.trg_sla_id.id))
        if self.only_new_cases:
            query.add_where(SQL("%s >= %s", column, self.date_activated))
        query.add_where(
            self._sql_not_fired_at(column, SQL.identifier("status", "sla_id"))
        )
        query.order = SQL('crm_case."id", status."id"')
        query.limit = limit
        self.env["crm.case"].flush_model()
        self.env["crm.case.sla.status"].flush_model()
        self.env["crm.case.rule.log"].flush_model()
        self.env.cr.execute(
            query.select(
                SQL("status.id"), SQL('crm_case."id"'), SQL("status.sla_id"), column
            )
        )
        return self.env.cr.fetchall()
