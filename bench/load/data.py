"""The data of bench/load: users, a manager, two sections, two rules, the
IMAP fetch server, and the crons of the fetch and of the rules made due every
minute; created by an Odoo shell before the server starts."""

import json
import subprocess

from .peers import PASSWORD

# The mailbox of the Dovecot server the mails are delivered to and fetched from.
MAILBOX = "load"

SETUP_SCRIPT = """
import json
clients = %(clients)d
env["crm.case.rule"].search([]).active = False
user_group = env.ref("crm_case.group_crm_case_user")
manager_group = env.ref("crm_case.group_crm_case_manager")
users = env["res.users"].create([{
    "name": f"Load User {index}", "login": f"load_user_{index}",
    "password": %(password)r, "email": f"load.user.{index}@load.example.com",
    "groups_id": [(6, 0, [user_group.id])],
} for index in range(clients)])
manager = env["res.users"].create({
    "name": "Load Manager", "login": "load_manager", "password": %(password)r,
    "email": "load.manager@load.example.com",
    "groups_id": [(6, 0, [manager_group.id])],
})
admin = env.ref("base.user_admin")
admin.password = %(password)r
level2 = env["crm.case.section"].create({
    "name": "Load Level 2", "user_id": manager.id,
    "reply_to": "level2@load.example.com"})
level1 = env["crm.case.section"].create({
    "name": "Load Level 1", "parent_id": level2.id, "user_id": manager.id,
    "reply_to": "level1@load.example.com"})
rules = env["crm.case.rule"].create([{
    "name": "Remind the responsible at once", "trg_date_type": "create",
    "trg_date_range": 0, "trg_date_range_type": "minutes",
    "act_remind_user": True,
}, {
    "name": "Urgent after escalation", "trg_state_to": "escalate",
    "act_priority": "1",
}])
server = env["fetchmail.server"].create({
    "name": "Load IMAP", "server_type": "imap", "server": "127.0.0.1",
    "port": %(imap_port)d, "is_ssl": False, "user": %(mailbox)r,
    "password": %(imap_password)r,
    "object_id": env["ir.model"]._get_id("crm.case"),
    "crm_case_section_id": level1.id,
})
server.button_confirm_login()
# The crons of the fetch and of the rules come due every minute, now first.
for xmlid in ("mail.ir_cron_mail_gateway_action", "crm_case.ir_cron_check_case_rules"):
    env.ref(xmlid).write({"interval_number": 1, "interval_type": "minutes",
                          "nextcall": odoo.fields.Datetime.now(), "active": True})
env.cr.commit()
print("SETUP " + json.dumps({
    "users": [[user.id, user.login] for user in users],
    "manager": [manager.id, manager.login], "admin": [admin.id, admin.login],
    "level1": level1.id, "level2": level2.id, "server": server.id,
    "time_rules": rules.filtered(lambda rule: rule.trg_date_type != "none").ids,
}))
"""


def setup_data(command, clients, dovecot):
    """Run the setup script in the Odoo shell ``command``; return the ids it
    printed (users, manager, admin, sections, fetch server, time rules)."""
    script = SETUP_SCRIPT % {
        "clients": clients,
        "password": PASSWORD,
        "imap_port": dovecot.port_imap,
        "mailbox": MAILBOX,
        "imap_password": dovecot.password,
    }
    result = subprocess.run(
        command,
        input=script,
        capture_output=True,
        text=True,
        check=False,
    )
    line = next(
        (row for row in result.stdout.splitlines() if row.startswith("SETUP ")),
        None,
    )
    if not line:
        raise RuntimeError(f"setup failed: {result.stderr[-1500:]}")
    return json.loads(line[len("SETUP ") :])
