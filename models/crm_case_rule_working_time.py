"""Rule delays counted in the working time of the case's section."""

from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..utils.working_time import (
    HOURS_PER_DAY_AROUND_THE_CLOCK,
    add_working_days_batch,
    add_working_hours_batch,
)
from .crm_case_rule_engine import TRIGGER_DATE_SQL

WORKING_RANGES = {
    "working_hour": add_working_hours_batch,
    "working_day": add_working_days_batch,
}


class CrmCaseRule(models.Model):
    _inherit = "crm.case.rule"

    trg_date_range_type = fields.Selection(
        selection_add=[
            ("working_hour", "Working Hours"),
            ("working_day", "Working Days"),
        ],
        ondelete={"working_hour": "set default", "working_day": "set default"},
        help="Working hours and working days count only the working time of "
        "the case's section (its Working Hours, inherited from the parent "
        "sections; around the clock when there are none) and stop while the "
        "case is Pending. A working day is the calendar's average hours per "
        "day of working time.",
    )

    @api.constrains("trg_date_range", "trg_date_range_type")
    def _check_working_time_delay(self):
        for rule in self:
            if rule.trg_date_range_type in WORKING_RANGES and rule.trg_date_range < 0:
                raise ValidationError(
                    _(
                        "The rule %(rule)s counts its delay in working time: it "
                        "cannot act before the trigger date, give a delay of "
                        "zero or more.",
                        rule=rule.name,
                    )
                )

    # ------------------------------------------------------------
    # Time rules
    # ------------------------------------------------------------

    def _get_due_cases(self, limit=None):
        """Working ranges: the cases whose delay in working time has elapsed.

        Exactly once: the instant a working delay ends moves when the case is
        paused or its calendar changes, even after the rule fired. So the
        firing is claimed on the case's trigger date itself (the date the
        delay counts from), which only the case changes: the second element
        of each pair is that date, written as the log's trigger instant, and
        the NOT EXISTS below filters on it. A new trigger date fires again.

        :return: list of (case id, trigger date of the case)
        """
        self.ensure_one()
        if self.trg_date_range_type not in WORKING_RANGES:
            return super()._get_due_cases(limit=limit)
        now = fields.Datetime.now()
        due = []
        candidates = self._get_working_time_candidates(now)
        for calendar_id, rows in candidates.items():
            due += self._filter_due_in_working_time(calendar_id, rows, now)
        due.sort()
        return due[:limit] if limit else due

    def _get_working_time_candidates(self, now):
        """The cases that may be due, in one query: the rule's criteria, not
        fired for their trigger date, and due in calendar time.

        Working time is never shorter than calendar time: the working hours
        are a part of the calendar hours, pauses only remove more of them,
        and N working days are N x hours-per-day working hours, which take
        at least N x hours-per-day calendar hours. The smallest hours-per-day
        in use gives a bound that holds for every case.

        :return: {calendar id or None: [(case id, trigger date), ...]}
        """
        bound_hours = self._get_calendar_time_bound()
        if bound_hours is None:
            return {}
        domain = self._get_case_domain()
        states = {self.trg_state_from, self.trg_state_to} - {False, "none", "escalate"}
        if not states:
            states = self.env["crm.case"]._get_unclosed_states()
        domain.append(("state", "in", list(states)))
        query = self.env["crm.case"]._search(domain)
        base = SQL(TRIGGER_DATE_SQL[self.trg_date_type])
        query.add_where(SQL("%s <= %s", base, now - timedelta(hours=bound_hours)))
        query.add_where(self._sql_not_fired_at(base))
        calendar = SQL(
            """(SELECT section.effective_calendar_id FROM crm_case_section section
                 WHERE section.id = crm_case.section_id)"""
        )
        self.env["crm.case"].flush_model()
        self.env["crm.case.section"].flush_model(["effective_calendar_id"])
        self.env["crm.case.rule.log"].flush_model()
        self.env.cr.execute(query.select(SQL('crm_case."id"'), base, calendar))
        candidates = defaultdict(list)
        for case_id, base_date, calendar_id in self.env.cr.fetchall():
            candidates[calendar_id].append((case_id, base_date))
        return candidates

    def _get_calendar_time_bound(self):
        """The calendar hours the delay takes at least, whatever the section;
        None when no section has working time."""
        if self.trg_date_range_type == "working_hour":
            return self.trg_date_range
        # sudo: a bound over every section, whoever checks the rule.
        groups = (
            self.env["crm.case.section"]
            .sudo()
            .with_context(active_test=False)
            ._read_group([], ["effective_calendar_id"])
        )
        hours_per_day = [
            calendar.hours_per_day if calendar else HOURS_PER_DAY_AROUND_THE_CLOCK
            for (calendar,) in groups
        ]
        positive = [hours for hours in hours_per_day if hours > 0]
        return self.trg_date_range * min(positive) if positive else None

    def _filter_due_in_working_time(self, calendar_id, rows, now):
        """The rows whose working delay, pauses excluded, has elapsed now.

        :param rows: [(case id, trigger date)] of cases of one calendar
        :return: the due rows
        """
        calendar = self.env["resource.calendar"].browse(calendar_id)
        pauses = self.env["crm.case"].browse([row[0] for row in rows])
        pauses = pauses._get_pause_intervals()
        ends = WORKING_RANGES[self.trg_date_range_type](
            calendar,
            [
                (case_id, base, self.trg_date_range, pauses.get(case_id, ()))
                for case_id, base in rows
            ],
        )
        return [
            (case_id, base)
            for case_id, base in rows
            if ends[case_id] is not None
            and ends[case_id] <= now
            and (not self.only_new_cases or ends[case_id] >= self.date_activated)
        ]
