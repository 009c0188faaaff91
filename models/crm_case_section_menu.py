from odoo import api, fields, models


class CrmCaseSectionMenu(models.Model):
    """A menu (and its action) made by "Create Menus for a New Section".

    The line remembers which generated menu stands for which entry of the
    tree, so that running the wizard again updates the entries in place and
    removing the line (or uninstalling the module) removes the menu.
    """

    _name = "crm.case.section.menu"
    _description = "Generated Section Menu"
    _order = "section_id, base_name, sequence, id"

    section_id = fields.Many2one(
        "crm.case.section",
        string="Case Section",
        required=True,
        index=True,
        ondelete="cascade",
    )
    # Stored for the multi-company record rule.
    company_id = fields.Many2one(
        related="section_id.company_id", store=True, index=True
    )
    base_name = fields.Char(string="Menu Base Name", required=True)
    key = fields.Char(
        required=True, help="Entry of the generated tree: root, all, my, late..."
    )
    sequence = fields.Integer(default=10)
    parent_menu_id = fields.Many2one(
        "ir.ui.menu",
        string="Chosen Parent Menu",
        ondelete="set null",
        help="The parent menu chosen in the wizard for the base menu.",
    )
    # Deleting the menu by hand forgets the line; the wizard recreates it.
    menu_id = fields.Many2one(
        "ir.ui.menu", string="Menu", required=True, index=True, ondelete="cascade"
    )
    menu_name = fields.Char(related="menu_id.name", string="Menu Name")
    menu_path = fields.Char(related="menu_id.complete_name", string="Menu Path")
    action_id = fields.Many2one(
        "ir.actions.act_window", string="Action", ondelete="set null"
    )
    view_mode = fields.Char(related="action_id.view_mode")

    _sql_constraints = [
        (
            "entry_uniq",
            "unique (section_id, base_name, key)",
            "A generated menu entry exists only once per section and base name.",
        ),
    ]

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def unlink(self):
        """Remove the generated menus and actions with their lines."""
        menus = self.menu_id
        actions = self.action_id
        result = super().unlink()
        # sudo: case managers manage the menus the wizard generated for them,
        # not the menus of the whole database (only these records are touched).
        menus.sudo().exists().unlink()
        actions.sudo().exists().unlink()
        return result

    @api.model
    def _remove_all_generated_menus(self):
        """Remove every generated menu and action (module uninstallation)."""
        return self.sudo().search([]).unlink()
