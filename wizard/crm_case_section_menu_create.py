from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError

# View types a generated action may offer, in their default order, with the
# view of this module each one opens.
MENU_VIEWS = [
    ("list", "crm_case.crm_case_view_list"),
    ("form", "crm_case.crm_case_view_form"),
    ("calendar", "crm_case.crm_case_view_calendar"),
    ("kanban", "crm_case.crm_case_view_kanban"),
    ("graph", "crm_case.crm_case_view_graph"),
    ("pivot", "crm_case.crm_case_view_pivot"),
]
UNCLOSED_TERM = "('state', 'not in', ('done', 'cancel'))"
MY_TERM = "('user_id', '=', uid)"


class CrmCaseSectionMenuCreate(models.TransientModel):
    _name = "crm.case.section.menu.create"
    _description = "Create Menus for a New Section"

    base_name = fields.Char(
        string="Menu Base Name",
        required=True,
        help="The generated menus are named after it, e.g. My Business Opportunities.",
    )
    parent_menu_id = fields.Many2one(
        "ir.ui.menu",
        string="Parent Menu",
        required=True,
        default=lambda self: self._default_parent_menu_id(),
        help="The base menu is created under this menu.",
    )
    section_id = fields.Many2one(
        "crm.case.section",
        string="Case Section",
        required=True,
        default=lambda self: self._default_section_id(),
    )
    view_list = fields.Boolean(string="List", default=True)
    view_form = fields.Boolean(string="Form", default=True)
    view_calendar = fields.Boolean(string="Calendar", default=True)
    view_kanban = fields.Boolean(string="Kanban")
    view_graph = fields.Boolean(string="Graph")
    view_pivot = fields.Boolean(string="Pivot")
    first_view = fields.Selection(
        [
            ("list", "List"),
            ("form", "Form"),
            ("calendar", "Calendar"),
            ("kanban", "Kanban"),
            ("graph", "Graph"),
            ("pivot", "Pivot"),
        ],
        string="Open First",
        required=True,
        default="list",
    )

    # ------------------------------------------------------------
    # Defaults, onchanges
    # ------------------------------------------------------------

    def _default_parent_menu_id(self):
        return self.env.ref("crm_case.crm_case_menu_root", raise_if_not_found=False)

    def _default_section_id(self):
        context = self.env.context
        if context.get("active_model") == "crm.case.section":
            return context.get("active_id")
        return False

    @api.onchange("section_id")
    def _onchange_section_id(self):
        if self.section_id and not self.base_name:
            self.base_name = self.section_id.name

    @api.onchange(*(f"view_{view_type}" for view_type, _xmlid in MENU_VIEWS))
    def _onchange_views(self):
        selected = self._get_view_types()
        if selected and self.first_view not in selected:
            self.first_view = selected[0]

    # ------------------------------------------------------------
    # CRUD, checks
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        # A parent deleted while the wizard was open would fail on the
        # database's foreign key with a cryptic message: say it clearly.
        Menu = self.env["ir.ui.menu"].sudo().with_context(active_test=False)
        for vals in vals_list:
            if (
                vals.get("parent_menu_id")
                and not Menu.browse(vals["parent_menu_id"]).exists()
            ):
                self._raise_parent_deleted()
        return super().create(vals_list)

    def _raise_parent_deleted(self):
        raise UserError(_("The parent menu was deleted: choose another parent menu."))

    def _get_view_types(self):
        """The chosen view types, the first one first."""
        self.ensure_one()
        chosen = [
            view_type for view_type, _xmlid in MENU_VIEWS if self[f"view_{view_type}"]
        ]
        if self.first_view in chosen:
            chosen.remove(self.first_view)
            chosen.insert(0, self.first_view)
        return chosen

    def _check_input(self):
        """Refuse the input that would leave a broken or ambiguous menu tree."""
        self.ensure_one()
        view_labels = dict(self._fields["first_view"]._description_selection(self.env))
        if not (self.base_name or "").strip():
            raise UserError(_("Give the menus a base name."))
        chosen = [
            view_type for view_type, _xmlid in MENU_VIEWS if self[f"view_{view_type}"]
        ]
        if not chosen:
            raise UserError(_("Select at least one view to offer in the menus."))
        if self.first_view not in chosen:
            raise UserError(
                _(
                    "The view to open first, %(view)s, is not among the views "
                    "selected.",
                    view=view_labels.get(self.first_view, self.first_view),
                )
            )
        parent = self.parent_menu_id.sudo().with_context(active_test=False).exists()
        if not parent:
            self._raise_parent_deleted()
        if not parent.active:
            raise UserError(
                _(
                    "The parent menu %(menu)s is archived: choose an active menu.",
                    menu=parent.complete_name,
                )
            )
        clash = self.env["crm.case.section.menu"].search(
            [
                ("key", "=", "root"),
                ("base_name", "=ilike", self._get_base_name()),
                ("section_id", "!=", self.section_id.id),
                ("menu_id.parent_id", "=", parent.id),
            ],
            limit=1,
        )
        if clash:
            raise UserError(
                _(
                    "The menu %(name)s under %(parent)s was already generated for "
                    "the section %(section)s: choose another base name or another "
                    "parent menu.",
                    name=clash.menu_id.name,
                    parent=parent.complete_name,
                    section=clash.section_id.complete_name,
                )
            )

    def _get_base_name(self):
        return (self.base_name or "").strip()

    # ------------------------------------------------------------
    # Menu entries
    # ------------------------------------------------------------

    def _get_menu_entries(self):
        """The generated tree: one dict per entry under the base menu.

        :return: list of {key, name, domain_terms (Python source of the
            domain terms added to the section's), sequence}
        """
        name = self._get_base_name()
        entries = [
            ("all", _("All %(name)s", name=name), []),
            ("my", _("My %(name)s", name=name), [MY_TERM]),
            (
                "my_unclosed",
                _("My Unclosed %(name)s", name=name),
                [MY_TERM, UNCLOSED_TERM],
            ),
            (
                "my_open",
                _("My Open %(name)s", name=name),
                [MY_TERM, "('state', '=', 'open')"],
            ),
            (
                "my_pending",
                _("My Pending %(name)s", name=name),
                [MY_TERM, "('state', '=', 'pending')"],
            ),
            (
                "my_draft",
                _("My Draft %(name)s", name=name),
                [MY_TERM, "('state', '=', 'draft')"],
            ),
            (
                "my_late",
                _("My Late %(name)s", name=name),
                [MY_TERM, "('is_late', '=', True)"],
            ),
            (
                "unassigned",
                _("Unassigned %(name)s", name=name),
                ["('user_id', '=', False)", UNCLOSED_TERM],
            ),
            ("late", _("Late %(name)s", name=name), ["('is_late', '=', True)"]),
            (
                "cancel",
                _("Cancelled %(name)s", name=name),
                ["('state', '=', 'cancel')"],
            ),
        ]
        return [
            {"key": key, "name": label, "domain_terms": terms, "sequence": 10 * index}
            for index, (key, label, terms) in enumerate(entries, start=1)
        ]

    def _get_menu_groups(self):
        return self.env.ref("crm_case.group_crm_case_user") | self.env.ref(
            "crm_case.group_crm_case_manager"
        )

    def _prepare_action_values(self, entry):
        section_term = f"('section_id', 'child_of', {self.section_id.id})"
        view_types = self._get_view_types()
        return {
            "name": entry["name"],
            "res_model": "crm.case",
            "type": "ir.actions.act_window",
            "view_mode": ",".join(view_types),
            "domain": "[{}]".format(", ".join([section_term, *entry["domain_terms"]])),
            "context": "{'default_section_id': %d}" % self.section_id.id,
            "search_view_id": self.env.ref("crm_case.crm_case_view_search").id,
            "help": Markup('<p class="o_view_nocontent_smiling_face">%s</p><p>%s</p>')
            % (
                _(
                    "Create a case in %(section)s",
                    section=self.section_id.complete_name,
                ),
                _("New cases of this menu are filed in its section."),
            ),
            "groups_id": [fields.Command.set(self._get_menu_groups().ids)],
        }

    def _set_action_views(self, action):
        """Give the action the views of this module in the chosen order."""
        view_xmlids = dict(MENU_VIEWS)
        # sudo: the x2many commands of a sudo write run without sudo, so the
        # views of the action (written by the wizard only) are set directly.
        ActionView = self.env["ir.actions.act_window.view"].sudo()
        ActionView.search([("act_window_id", "=", action.id)]).unlink()
        ActionView.create(
            [
                {
                    "act_window_id": action.id,
                    "sequence": sequence,
                    "view_mode": view_type,
                    "view_id": self.env.ref(view_xmlids[view_type]).id,
                }
                for sequence, view_type in enumerate(self._get_view_types(), start=1)
            ]
        )

    def _prepare_menu_values(self, name, parent, sequence, action=None):
        values = {
            "name": name,
            "parent_id": parent.id,
            "sequence": sequence,
            "groups_id": [fields.Command.set(self._get_menu_groups().ids)],
        }
        if action:
            values["action"] = f"{action._name},{action.id}"
        return values

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_create_menus(self):
        """Create the menus of the section, or update those made before."""
        self.ensure_one()
        self._check_input()
        lines = self._generate_menus()
        return {
            "type": "ir.actions.client",
            "tag": "reload",
            "params": {
                "menu_id": lines.filtered(lambda line: line.key == "all").menu_id.id
            },
        }

    def _generate_menus(self):
        """Create or update the tree; keep the names and places users gave.

        :return: the ``crm.case.section.menu`` lines of the tree
        """
        Line = self.env["crm.case.section.menu"]
        base_name = self._get_base_name()
        lines = Line.search(
            [("section_id", "=", self.section_id.id), ("base_name", "=", base_name)]
        )
        by_key = {line.key: line for line in lines}
        # sudo: managers generate menus and actions on cases without being
        # allowed to edit the menus of the database; only the tree of this
        # section is written.
        Menu = self.env["ir.ui.menu"].sudo()
        root = by_key.get("root")
        if root:
            root_menu = root.menu_id.sudo()
            if root.parent_menu_id != self.parent_menu_id:
                root_menu.parent_id = self.parent_menu_id
                root.parent_menu_id = self.parent_menu_id
            root_menu.groups_id = [fields.Command.set(self._get_menu_groups().ids)]
        else:
            root_menu = Menu.create(
                self._prepare_menu_values(base_name, self.parent_menu_id, 100)
            )
            root = Line.create(
                {
                    "section_id": self.section_id.id,
                    "base_name": base_name,
                    "key": "root",
                    "sequence": 0,
                    "parent_menu_id": self.parent_menu_id.id,
                    "menu_id": root_menu.id,
                }
            )
        lines = root
        for entry in self._get_menu_entries():
            lines |= self._generate_entry(entry, by_key.get(entry["key"]), root_menu)
        return lines

    def _generate_entry(self, entry, line, root_menu):
        action_values = self._prepare_action_values(entry)
        if line:
            action = line.action_id.sudo()
            if action:
                # The name is the user's: only the behaviour is updated.
                action_values.pop("name")
                action.write(action_values)
            else:
                action = self.env["ir.actions.act_window"].sudo().create(action_values)
                line.action_id = action
            self._set_action_views(action)
            menu = line.menu_id.sudo()
            menu_values = {"action": f"{action._name},{action.id}"}
            menu_values["groups_id"] = [fields.Command.set(self._get_menu_groups().ids)]
            if not menu.parent_id:
                # Its parent menu was deleted: bring it back in the tree.
                menu_values["parent_id"] = root_menu.id
            menu.write(menu_values)
            return line
        action = self.env["ir.actions.act_window"].sudo().create(action_values)
        self._set_action_views(action)
        menu = (
            self.env["ir.ui.menu"]
            .sudo()
            .create(
                self._prepare_menu_values(
                    entry["name"], root_menu, entry["sequence"], action
                )
            )
        )
        return self.env["crm.case.section.menu"].create(
            {
                "section_id": self.section_id.id,
                "base_name": self._get_base_name(),
                "key": entry["key"],
                "sequence": entry["sequence"],
                "parent_menu_id": root_menu.id,
                "menu_id": menu.id,
                "action_id": action.id,
            }
        )
