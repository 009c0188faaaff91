from odoo import api, fields, models
from odoo.tools import SQL

MAX_ATTEMPTS = 3


class CrmCaseRuleLog(models.Model):
    _name = "crm.case.rule.log"
    _description = "Case Rule Firing"
    _order = "date desc, id desc"

    rule_id = fields.Many2one(
        "crm.case.rule", required=True, index=True, ondelete="cascade", readonly=True
    )
    case_id = fields.Many2one(
        "crm.case", required=True, index=True, ondelete="cascade", readonly=True
    )
    time_rule = fields.Boolean(readonly=True)
    trigger_date = fields.Datetime(
        string="Trigger Instant",
        required=True,
        readonly=True,
        help="The instant the rule fired for: the case's trigger date plus the "
        "rule's delay, or the moment of the state change.",
    )
    trigger_key = fields.Integer(
        default=0,
        required=True,
        readonly=True,
        help="Tells apart the firings of a rule on one case at one instant: the "
        "service level policy of an SLA event; 0 for the other rules.",
    )
    date = fields.Datetime(
        string="Fired On", default=fields.Datetime.now, required=True, readonly=True
    )
    state = fields.Selection(
        [("running", "Running"), ("done", "Done"), ("failed", "Failed")],
        string="Outcome",
        default="running",
        required=True,
        readonly=True,
    )
    error = fields.Text(readonly=True)
    attempts = fields.Integer(default=1, readonly=True)
    company_id = fields.Many2one(related="case_id.company_id", store=True)

    def init(self):
        # One firing of a time rule per case, trigger instant and key, whatever
        # the number of workers: the claims below rely on this index. The one
        # of 18.0.1.2.0 had no key: two policies breached at the same instant
        # fired once.
        self.env.cr.execute("DROP INDEX IF EXISTS crm_case_rule_log_time_uniq")
        self.env.cr.execute(
            """CREATE UNIQUE INDEX IF NOT EXISTS crm_case_rule_log_time_key_uniq
                   ON crm_case_rule_log (rule_id, case_id, trigger_date, trigger_key)
                WHERE time_rule"""
        )

    @api.model
    def _get_max_attempts(self):
        return MAX_ATTEMPTS

    @api.model
    def _claim(self, rule, case, instant, time_rule):
        """Insert the log line of a firing, or take over a failed one to retry.

        :return: the log id, or None when the firing is done, running elsewhere
            or out of attempts
        """
        if not time_rule:
            return (
                self.sudo()
                .create(
                    {
                        "rule_id": rule.id,
                        "case_id": case.id,
                        "trigger_date": instant,
                        "time_rule": False,
                    }
                )
                .id
            )
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """INSERT INTO crm_case_rule_log AS log
                       (rule_id, case_id, trigger_date, trigger_key, time_rule,
                        date, state, attempts, company_id, create_uid,
                        write_uid, create_date, write_date)
                   VALUES (%(rule)s, %(case)s, %(instant)s, 0, TRUE, %(now)s,
                           'running', 1, %(company)s, %(uid)s, %(uid)s,
                           %(now)s, %(now)s)
              ON CONFLICT (rule_id, case_id, trigger_date, trigger_key)
                 WHERE time_rule
                DO UPDATE SET attempts = log.attempts + 1, state = 'running',
                              date = %(now)s, write_date = %(now)s
                        WHERE log.state = 'failed' AND log.attempts < %(max)s
                RETURNING log.id""",
                rule=rule.id,
                case=case.id,
                instant=instant,
                now=fields.Datetime.now(),
                company=case.company_id.id or None,
                uid=self.env.uid,
                max=self._get_max_attempts(),
            )
        )
        row = self.env.cr.fetchone()
        self.invalidate_model()
        return row and row[0]

    @api.model
    def _claim_many(self, rule, due, key=0):
        """Claim the firings of a time rule on a batch of cases in one query.

        :param due: list of (case id, trigger instant)
        :param key: what tells these firings apart from the rule's others at
            the same instants (the policy of an SLA event)
        :return: {case id: log id} of the firings this transaction now owns
        """
        if not due:
            return {}
        self.env.flush_all()
        now = fields.Datetime.now()
        # The company is related to the case: read in the same statement.
        self.env.cr.execute(
            SQL(
                """INSERT INTO crm_case_rule_log AS log
                       (rule_id, case_id, trigger_date, trigger_key, time_rule,
                        date, state, attempts, company_id, create_uid,
                        write_uid, create_date, write_date)
                   SELECT %(rule)s, due.case_id, due.instant, %(key)s, TRUE,
                          %(now)s, 'running', 1, c.company_id, %(uid)s, %(uid)s,
                          %(now)s, %(now)s
                     FROM unnest(%(cases)s::int[], %(instants)s::timestamp[])
                          AS due(case_id, instant)
                     JOIN crm_case c ON c.id = due.case_id
                    ORDER BY due.case_id
              ON CONFLICT (rule_id, case_id, trigger_date, trigger_key)
                 WHERE time_rule
                DO UPDATE SET attempts = log.attempts + 1, state = 'running',
                              date = EXCLUDED.date, write_date = EXCLUDED.date
                        WHERE log.state = 'failed' AND log.attempts < %(max)s
                RETURNING log.case_id, log.id""",
                rule=rule.id,
                key=key,
                now=now,
                uid=self.env.uid,
                cases=[case_id for case_id, _instant in due],
                instants=[instant for _case_id, instant in due],
                max=self._get_max_attempts(),
            )
        )
        claimed = dict(self.env.cr.fetchall())
        self.invalidate_model()
        return claimed

    def _mark_done(self, log_ids):
        """Mark the firings ``log_ids`` done, in one statement."""
        if not log_ids:
            return
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """UPDATE crm_case_rule_log
                      SET state = 'done', error = NULL,
                          write_uid = %s, write_date = %s
                    WHERE id IN %s""",
                self.env.uid,
                fields.Datetime.now(),
                tuple(log_ids),
            )
        )
        self.invalidate_model(["state", "error", "write_uid", "write_date"])
