"""The workflow of a case: its states, the buttons that move it, escalation."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError

# The states a workflow button may leave, per target state.
ALLOWED_TRANSITIONS = {
    "open": ("draft", "pending"),
    "pending": ("open",),
    "done": ("open", "pending"),
    "cancel": ("draft", "open", "pending"),
    "draft": ("done", "cancel"),
}


class CrmCase(models.Model):
    _inherit = "crm.case"

    # ------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------

    @api.model
    def _get_unclosed_states(self):
        return ["draft", "open", "pending"]

    def _check_transition(self, target_state):
        state_labels = dict(self._fields["state"]._description_selection(self.env))
        for case in self:
            if case.state not in ALLOWED_TRANSITIONS[target_state]:
                raise UserError(
                    _(
                        "The case %(case)s cannot be set to %(target)s because it "
                        "is %(state)s.",
                        case=case.display_name,
                        target=state_labels[target_state],
                        state=state_labels[case.state],
                    )
                )

    def _set_state(self, target_state, extra_values=None):
        """Move the cases to ``target_state`` and run the rules of that transition.

        :param target_state: key of the new state
        :param extra_values: a function returning the values to write for one case
        :return: True
        """
        self._check_transition(target_state)
        previous_states = {case.id: case.state for case in self}
        for case in self:
            values = {"state": target_state}
            if extra_values:
                values.update(extra_values(case))
            case.write(values)
        self._fire_case_event(target_state, previous_states)
        return True

    def action_open(self):
        now = fields.Datetime.now()
        return self._set_state(
            "open",
            lambda case: {
                "date_open": case.date_open or now,
                "user_id": case.user_id.id or self.env.uid,
            },
        )

    def action_pending(self):
        return self._set_state("pending")

    def action_close(self):
        now = fields.Datetime.now()
        return self._set_state("done", lambda case: {"date_closed": now})

    def action_cancel(self):
        return self._set_state("cancel")

    def action_draft(self):
        return self._set_state("draft", lambda case: {"date_closed": False})

    def action_escalate(self):
        """Move each case to the parent of its section, managed by its manager."""
        for case in self:
            if case.state not in self._get_unclosed_states():
                raise UserError(
                    _(
                        "The case %(case)s cannot be escalated because it is closed "
                        "or cancelled.",
                        case=case.display_name,
                    )
                )
            if not case.section_id.parent_id:
                raise UserError(
                    _(
                        "The case %(case)s cannot be escalated: its section "
                        "%(section)s has no parent section.",
                        case=case.display_name,
                        section=case.section_id.complete_name,
                    )
                )
        previous_states = {case.id: case.state for case in self}
        for case in self:
            source = case.section_id
            target = source.parent_id
            case.write(
                {
                    "section_id": target.id,
                    "user_id": target.user_id.id,
                    "escalation_count": case.escalation_count + 1,
                }
            )
            case.message_post(
                body=_(
                    "Escalated from %(from_section)s to %(to_section)s.",
                    from_section=source.complete_name,
                    to_section=target.complete_name,
                ),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        self._fire_case_event("escalate", previous_states)
        return True

    def _fire_case_event(self, event, previous_states):
        """Hook called after every state change, creation and escalation: runs
        the event rules.

        :param event: the new state key, or ``escalate``
        :param previous_states: {case id: state before the event, or ``none``}
        """
        self.env["crm.case.rule"]._run_event_rules(self, event, previous_states)
        return True
