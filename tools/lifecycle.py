"""Lifecycle checks run by ``make test``: install without demo data, upgrade,
uninstall and reinstall, each in its own Odoo process as an administrator would.

Each check yields ``(name, error)``; ``error`` is None when the check passed.
"""

import json
import os
import subprocess

from . import odoo_setup

# Run inside ``odoo shell``: records a case and prints what an upgrade must keep.
SNAPSHOT_SCRIPT = """
import json
section = env["crm.case.section"].create({"name": "Lifecycle Section", "code": "lc"})
case = env["crm.case"].create({"name": "Lifecycle Case", "section_id": section.id})
case.message_post(body="Lifecycle note")
wizard = env["crm.case.section.menu.create"].create({
    "base_name": "Lifecycle", "section_id": section.id,
    "parent_menu_id": env.ref("crm_case.crm_case_menu_root").id,
})
wizard.action_create_menus()
generated = env["crm.case.section.menu"].search([("section_id", "=", section.id)])
renamed = generated.menu_id.filtered(lambda menu: menu.name.startswith("My "))[:1]
renamed.name = "Personal name"
counts = {
    name: env[name].with_context(active_test=False).search_count([])
    for name in sorted(env.registry)
    if name.startswith("crm.case") and not env[name]._abstract
    and not env[name]._transient and env[name]._auto
}
env.cr.commit()
print("SNAPSHOT " + json.dumps({"counts": counts, "case": case.id,
      "messages": len(case.message_ids), "renamed": renamed.id}))
"""

CHECK_SCRIPT = """
import json
snapshot = json.loads(%r)
case = env["crm.case"].browse(snapshot["case"]).exists()
problems = []
if not case or case.name != "Lifecycle Case":
    problems.append("the case is gone")
elif len(case.message_ids) < snapshot["messages"]:
    problems.append("the case lost messages")
if env["ir.ui.menu"].browse(snapshot["renamed"]).exists().name != "Personal name":
    problems.append("a renamed generated menu lost its name")
for name, count in snapshot["counts"].items():
    now = env[name].with_context(active_test=False).search_count([])
    if now < count:
        problems.append(f"{name}: {count} records before, {now} after")
print("PROBLEMS " + json.dumps(problems))
"""

UNINSTALL_SCRIPT = """
env["ir.module.module"].search([("name", "=", "crm_case")]).button_immediate_uninstall()
env.cr.commit()
"""

# What must not survive an uninstallation, as (label, SQL returning a count).
LEFTOVER_QUERIES = [
    ("models", "SELECT count(*) FROM ir_model WHERE model LIKE 'crm.case%%'"),
    ("external ids", "SELECT count(*) FROM ir_model_data WHERE module = 'crm_case'"),
    (
        "window actions",
        "SELECT count(*) FROM ir_act_window WHERE res_model LIKE 'crm.case%%'",
    ),
    (
        "menus",
        "SELECT count(*) FROM ir_ui_menu WHERE action LIKE 'ir.actions.act_window,%%'"
        " AND split_part(action, ',', 2)::int NOT IN (SELECT id FROM ir_act_window)",
    ),
    (
        "server actions and crons",
        "SELECT count(*) FROM ir_act_server WHERE model_name LIKE 'crm.case%%'",
    ),
    (
        "aliases",
        "SELECT count(*) FROM mail_alias WHERE alias_defaults LIKE '%%section_id%%'",
    ),
    (
        "columns",
        "SELECT count(*) FROM information_schema.columns"
        " WHERE table_schema = 'public'"
        " AND (table_name LIKE 'crm_case%%' OR column_name LIKE '%%case_section%%')",
    ),
    ("tables", "SELECT count(*) FROM pg_tables WHERE tablename LIKE 'crm_case%%'"),
    (
        "trigger functions",
        "SELECT count(*) FROM pg_proc WHERE proname LIKE 'crm_case%%'",
    ),
    (
        "generated menus",
        "SELECT count(*) FROM ir_ui_menu WHERE name::text LIKE '%%Lifecycle%%'"
        " OR name::text LIKE '%%Personal name%%'",
    ),
]


class Lifecycle:
    def __init__(self, addons_dir):
        self.addons_dir = addons_dir
        self.database = f"crm_case_life_{os.getpid()}"
        self.log = open(os.path.join(addons_dir, "lifecycle.log"), "w")

    def odoo(self, *args, script=None):
        command = odoo_setup.odoo_command(self.database, self.addons_dir, *args)
        result = subprocess.run(
            command, input=script, capture_output=True, text=True, check=False
        )
        self.log.write(result.stdout + result.stderr)
        if result.returncode:
            raise RuntimeError(result.stderr.strip()[-800:])
        return result.stdout

    def server(self, *args):
        return self.odoo("server", "--stop-after-init", *args)

    def shell(self, script):
        return self.odoo("shell", script=script)

    def module_state(self):
        return self.sql("SELECT state FROM ir_module_module WHERE name = 'crm_case'")

    def sql(self, query):
        import psycopg2

        with psycopg2.connect(dbname=self.database) as connection:
            with connection.cursor() as cursor:
                cursor.execute(query)
                row = cursor.fetchone()
        connection.close()
        return row and row[0]

    def check_install_without_demo(self):
        self.server("--init", odoo_setup.ADDON_NAME, "--without-demo", "all")
        if self.module_state() != "installed":
            return "crm_case is not installed"
        demo = self.sql(
            "SELECT count(*) FROM ir_model_data WHERE module = 'crm_case'"
            " AND name LIKE '%%_demo'"
        )
        return f"{demo} demo records were loaded" if demo else None

    def check_upgrade_keeps_data(self):
        output = self.shell(SNAPSHOT_SCRIPT)
        snapshot = next(
            line[len("SNAPSHOT ") :]
            for line in output.splitlines()
            if line.startswith("SNAPSHOT ")
        )
        self.server("--update", odoo_setup.ADDON_NAME)
        output = self.shell(CHECK_SCRIPT % snapshot)
        problems = json.loads(
            next(
                line[len("PROBLEMS ") :]
                for line in output.splitlines()
                if line.startswith("PROBLEMS ")
            )
        )
        return "; ".join(problems) or None

    def check_uninstall_is_clean(self):
        self.shell(UNINSTALL_SCRIPT)
        if self.module_state() != "uninstalled":
            return "crm_case is still installed"
        leftovers = [
            f"{count} {label}"
            for label, query in LEFTOVER_QUERIES
            if (count := self.sql(query))
        ]
        return ("left behind: " + ", ".join(leftovers)) if leftovers else None

    def check_reinstall(self):
        self.server("--init", odoo_setup.ADDON_NAME)
        return None if self.module_state() == "installed" else "reinstall failed"

    def run(self):
        checks = [
            self.check_install_without_demo,
            self.check_upgrade_keeps_data,
            self.check_uninstall_is_clean,
            self.check_reinstall,
        ]
        odoo_setup.create_empty_database(self.database)
        try:
            for index, check in enumerate(checks):
                try:
                    error = check()
                except Exception as exc:  # noqa: BLE001 - reported as a failure
                    error = f"{type(exc).__name__}: {exc}"
                yield check.__name__, error
                if error:
                    for later in checks[index + 1 :]:
                        yield later.__name__, "not run: an earlier step failed"
                    return
        finally:
            self.log.close()
            odoo_setup.drop_database(self.database)


def run_lifecycle():
    with odoo_setup.private_addons("crm_case_life_") as addons_dir:
        yield from Lifecycle(addons_dir).run()


if __name__ == "__main__":
    for name, error in run_lifecycle():
        print(f"{name}: {error or 'ok'}")
