"""How a case gets the responsible its section's assignment method chooses:
at creation without one, on escalation, and by a rule."""

from collections import defaultdict

from odoo import _, api, fields, models


class CrmCase(models.Model):
    _inherit = "crm.case"

    user_id = fields.Many2one(default=lambda self: self._default_user_id())

    def _default_user_id(self):
        """The current user, unless the section the case is created in
        chooses its responsible itself."""
        section_id = self._default_section_id()
        section = self.env["crm.case.section"].browse(section_id).exists()
        if section and section._is_auto_assigned():
            return False
        return self.env.user

    @api.onchange("section_id")
    def _onchange_section_id_assignment(self):
        """A new case put in an auto-assigned section drops the user proposed
        by default, so that the section chooses on save."""
        if self._origin or not self.section_id:
            return
        if self.section_id._is_auto_assigned() and self.user_id == self.env.user:
            self.user_id = False

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        unassigned = self._assign_new_case_values(vals_list)
        cases = super().create(vals_list)
        if unassigned:
            cases.browse([cases[index].id for index in unassigned])._log_unassignable()
        return cases

    @api.model
    def _has_explicit_responsible(self, vals):
        if "user_id" in vals:
            return bool(vals["user_id"])
        return bool(self.env.context.get("default_user_id"))

    @api.model
    def _assign_new_case_values(self, vals_list):
        """Put in ``vals_list`` the responsibles chosen by the sections of the
        cases that come without one; one choice per section for the batch.

        :return: the indexes in ``vals_list`` of the cases nobody could take
        """
        # sudo: the choice reads the load and the leaves of all the members,
        # and records the last one assigned, whoever creates the case (a
        # portal user, the public form, the mail gateway).
        Section = self.env["crm.case.section"].sudo()
        default_section_id = self._default_section_id()
        indexes = defaultdict(list)
        for index, vals in enumerate(vals_list):
            if self._has_explicit_responsible(vals):
                continue
            section = Section.browse(vals.get("section_id", default_section_id))
            if section and section._is_auto_assigned():
                indexes[section].append(index)
        if not indexes:
            return []
        counts = {section: len(group) for section, group in indexes.items()}
        picks = Section._assign_batches(counts)
        unassigned = []
        for section, group in indexes.items():
            for index, user in zip(group, picks[section], strict=True):
                vals_list[index]["user_id"] = user.id
                if not user:
                    unassigned.append(index)
        return unassigned

    def _assign_by_section_method(self):
        """Give each case of an auto-assigned section the member its section
        chooses, in one choice per section; the cases nobody can take keep
        their responsible, with a note."""
        groups = defaultdict(list)
        for case in self:
            if case.section_id._is_auto_assigned():
                groups[case.section_id].append(case.id)
        if not groups:
            return
        counts = {section: len(ids) for section, ids in groups.items()}
        # sudo: as at creation, the choice reads every member's load.
        picks = (
            self.env["crm.case.section"]
            .sudo()
            ._assign_batches(counts, excluded_cases=self)
        )
        by_user = defaultdict(list)
        for section, case_ids in groups.items():
            for case_id, user in zip(case_ids, picks[section], strict=True):
                by_user[user].append(case_id)
        left = self.browse(by_user.pop(self.env["res.users"], []))
        for user, case_ids in by_user.items():
            self.browse(case_ids).write({"user_id": user.id})
        left._log_unassignable()

    def _log_unassignable(self):
        """Say in the history of the cases that nobody could take them."""
        # A loop, not a comprehension: _() finds the language in the frame
        # of the method, which a comprehension does not share before 3.12.
        notes = {}
        for case in self:
            notes[case.id] = _(
                "Nobody of the section %(section)s could take this case "
                "automatically: its members are on leave or hold their "
                "maximum of open cases.",
                section=case.section_id.complete_name,
            )
        if notes:
            self._message_log_batch(notes)

    # ------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------

    def _fire_case_event(self, event, previous_states):
        # Escalated into an auto-assigned section: its method chooses instead
        # of its manager, before the escalation rules run.
        if event == "escalate":
            self._assign_by_section_method()
        return super()._fire_case_event(event, previous_states)
