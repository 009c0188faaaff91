"""Automatic assignment of a section's new cases to its members: round robin
or balanced, skipping the members on leave, up to a cap of open cases."""

import heapq
from datetime import timedelta

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

ASSIGN_METHODS = [
    ("manual", "Manual"),
    ("round_robin", "Round Robin"),
    ("balanced", "Balanced"),
]


class CrmCaseSection(models.Model):
    _inherit = "crm.case.section"

    assign_method = fields.Selection(
        ASSIGN_METHODS,
        string="Assignment",
        default="manual",
        required=True,
        help="Who becomes responsible of a case created without one (by mail, "
        "on the portal, with the public form or the form) or escalated into "
        "this section. Manual: nobody is chosen, the form proposes its user. "
        "Round Robin: the members in turn. Balanced: the member with the "
        "fewest open cases in the section. Members on leave are skipped.",
    )
    assign_max_open = fields.Integer(
        string="Maximum Open Cases per Member",
        help="A member holding this many draft, open or pending cases of the "
        "section gets no more; 0 for no limit. When nobody can take a case it "
        "stays unassigned, with a note in its history.",
    )
    assign_last_user_id = fields.Many2one(
        "res.users",
        string="Last Assigned Member",
        readonly=True,
        copy=False,
        help="Round Robin goes on with the member after this one.",
    )

    @api.constrains("assign_max_open")
    def _check_assign_max_open(self):
        for section in self:
            if section.assign_max_open < 0:
                raise ValidationError(
                    _(
                        "The maximum of open cases per member of the section "
                        "%(section)s cannot be negative.",
                        section=section.complete_name,
                    )
                )

    # ------------------------------------------------------------
    # Assignment
    # ------------------------------------------------------------

    def _is_auto_assigned(self):
        """Whether the section chooses the responsible of its new cases."""
        self.ensure_one()
        return self.assign_method != "manual"

    def _assign_lock(self):
        """Wait for the other transactions assigning cases of these sections.

        Each assignment also writes the section (its last assigned member):
        a transaction whose snapshot predates another's assignment fails to
        serialize on this lock and is retried, reading the new loads, instead
        of choosing from loads that miss the other's cases.
        """
        # Always in the same order: two batches sharing sections cannot
        # deadlock. NO KEY UPDATE leaves the new cases' foreign keys free.
        self.env.cr.execute(
            SQL(
                "SELECT id FROM crm_case_section WHERE id IN %s ORDER BY id "
                "FOR NO KEY UPDATE",
                tuple(self.ids),
            )
        )

    def _get_open_loads(self, excluded_cases=None):
        """Open cases of each member, per section, in one grouped query.

        :param excluded_cases: cases not counted (the ones being reassigned)
        :return: {section id: {user id: count}}
        """
        Case = self.env["crm.case"]
        domain = [
            ("section_id", "in", self.ids),
            ("user_id", "in", self.member_ids.ids),
            ("state", "in", Case._get_unclosed_states()),
        ]
        if excluded_cases:
            domain.append(("id", "not in", excluded_cases.ids))
        loads = {section.id: {} for section in self}
        for section, user, count in Case._read_group(
            domain, ["section_id", "user_id"], ["__count"]
        ):
            loads[section.id][user.id] = count
        return loads

    def _get_members_on_leave(self, now=None):
        """The members with a leave of their working calendar covering ``now``:
        a time off of their own resource, or a leave of their calendar for
        everybody (a public holiday). Being outside working hours is not a
        leave: a case created at night goes to somebody who will find it in
        the morning.

        :return: res.users recordset
        """
        now = pytz.utc.localize(now or fields.Datetime.now())
        resources = self.env["resource.resource"].search(
            [
                ("user_id", "in", self.member_ids.ids),
                ("company_id", "in", [False, *self.company_id.ids]),
            ]
        )
        on_leave = self.env["res.users"]
        for calendar, calendar_resources in self._group_by_calendar(resources):
            leaves = calendar._leave_intervals_batch(
                now, now + timedelta(seconds=1), resources=calendar_resources
            )
            on_leave |= calendar_resources.filtered(
                lambda resource, leaves=leaves: leaves[resource.id]
            ).user_id
        return on_leave

    def _group_by_calendar(self, resources):
        """Pairs (calendar, resources), the company's calendar standing in for
        a resource without one."""
        groups = {}
        for resource in resources:
            calendar = (
                resource.calendar_id
                or resource.company_id.resource_calendar_id
                or self.env.company.resource_calendar_id
            )
            if calendar:
                groups.setdefault(calendar, resources.browse())
                groups[calendar] |= resource
        return groups.items()

    def _get_available_members(self, on_leave):
        """Members who may receive cases, in a stable order (by id)."""
        self.ensure_one()
        return self.member_ids.filtered(
            lambda user: user.active and not user.share and user not in on_leave
        ).sorted("id")

    def _pick_assignees(self, count, loads=None, on_leave=None):
        """Choose the responsibles of ``count`` new cases of the section.

        The loads are read once; the batch is spread over them in memory.
        Take :meth:`_assign_lock` first when the choice is to be written.

        :param count: how many cases to assign
        :param loads: {user id: open cases}, read when not given
        :param on_leave: the members to skip, read when not given
        :return: a list of ``count`` res.users records, empty where nobody
            could take the case (everybody on leave or at the cap)
        """
        self.ensure_one()
        if loads is None:
            loads = self._get_open_loads()[self.id]
        if on_leave is None:
            on_leave = self._get_members_on_leave()
        members = self._get_available_members(on_leave)
        picks = self._pick_user_ids(count, members.ids, loads)
        empty = self.env["res.users"]
        return [self.env["res.users"].browse(uid) if uid else empty for uid in picks]

    def _pick_user_ids(self, count, member_ids, loads):
        if self.assign_method == "balanced":
            picks = self._pick_balanced(count, member_ids, loads)
        else:
            picks = self._pick_round_robin(count, member_ids, loads)
        return picks + [False] * (count - len(picks))

    def _pick_balanced(self, count, member_ids, loads):
        """The member with the fewest open cases, ties by id, until the cap."""
        cap = self.assign_max_open
        heap = [(loads.get(uid, 0), uid) for uid in member_ids]
        heapq.heapify(heap)
        picks = []
        while heap and len(picks) < count:
            load, uid = heapq.heappop(heap)
            if cap and load >= cap:
                break  # the least loaded is full: so is everybody
            picks.append(uid)
            heapq.heappush(heap, (load + 1, uid))
        return picks

    def _pick_round_robin(self, count, member_ids, loads):
        """The members in turn from the one after the last assigned, skipping
        those at the cap, until a whole round finds nobody."""
        if not member_ids:
            return []
        cap = self.assign_max_open
        loads = dict(loads)
        last_id = self.assign_last_user_id.id or 0
        # The member after the last assigned by id, even if he left the section.
        position = next((i for i, uid in enumerate(member_ids) if uid > last_id), 0)
        picks = []
        misses = 0
        while len(picks) < count and misses < len(member_ids):
            uid = member_ids[position]
            position = (position + 1) % len(member_ids)
            if cap and loads.get(uid, 0) >= cap:
                misses += 1
                continue
            misses = 0
            loads[uid] = loads.get(uid, 0) + 1
            picks.append(uid)
        return picks

    def _assign_batches(self, counts, excluded_cases=None):
        """Lock, read the loads once and choose for several sections.

        :param counts: {section: number of cases}
        :return: {section: list of res.users records, see _pick_assignees}
        """
        sections = self.browse([section.id for section in counts])
        sections._assign_lock()
        loads = sections._get_open_loads(excluded_cases)
        on_leave = sections._get_members_on_leave()
        result = {}
        for section in sections:
            picks = section._pick_assignees(
                counts[section], loads[section.id], on_leave
            )
            last = next((user for user in reversed(picks) if user), None)
            if last:
                section._set_last_assigned(last)
            result[section] = picks
        return result

    def _set_last_assigned(self, user):
        """Record the member who got the last case of the batch."""
        self.ensure_one()
        # SQL: the row must be rewritten even when the value is unchanged,
        # which is what makes a concurrent assignment retry (_assign_lock).
        self.env.cr.execute(
            SQL(
                "UPDATE crm_case_section SET assign_last_user_id = %s WHERE id = %s",
                user.id,
                self.id,
            )
        )
        self.invalidate_recordset(["assign_last_user_id"])
