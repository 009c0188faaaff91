"""The ``odoo shell`` scripts of the fault checks (``tools/faults.py``) and
the figures they run on.

Each script is a string fed to the stdin of its own ``odoo shell`` process,
filled with ``%`` (or ``str.replace`` where the script itself holds ``%``).
A script reports what it found on a line starting with a marker (``SETUP``,
``BEFORE``, ``AFTER``) and followed by JSON; ``PAUSE_SCRIPT`` prints
``PAUSED <backend pid>`` when it stops halfway, then ``RUN DONE`` or
``RUN FAILED <exception class>``.
"""

BATCH_SIZE = 10
CASES = 40
MAILS = 30
MAILBOX = "faults"
# How long a run may take before the check gives up on it.
RUN_TIMEOUT = 180

SETUP_SCRIPT = """
import json
env["ir.config_parameter"].set_param("crm_case.rule_batch_size", %(batch)d)
# A sender creating three cases in a row looks like a mail loop.
env["ir.config_parameter"].set_param("mail.gateway.loop.threshold", 3)
env["crm.case.rule"].search([]).active = False
user = env["res.users"].create({
    "name": "Fault Responsible", "login": "fault_responsible",
    "email": "responsible@faults.example.com",
    "groups_id": [(6, 0, [env.ref("crm_case.group_crm_case_user").id])],
})
ids = {}
for key in ("kill", "pg"):
    section = env["crm.case.section"].create(
        {"name": f"Faults {key}", "reply_to": f"{key}@faults.example.com"})
    rule = env["crm.case.rule"].create({
        "name": f"Remind at once ({key})", "trg_section_id": section.id,
        "trg_date_type": "create", "trg_date_range": 0,
        "trg_date_range_type": "minutes", "act_remind_user": True,
        "active": key == "kill",
    })
    env["crm.case"].create([
        {"name": f"Fault case {key} {index}", "section_id": section.id,
         "user_id": user.id} for index in range(%(cases)d)])
    ids[key] = {"section": section.id, "rule": rule.id}
mail_section = env["crm.case.section"].create({"name": "Faults mail"})
server = env["fetchmail.server"].create({
    "name": "Faults IMAP", "server_type": "imap", "server": "127.0.0.1",
    "port": %(port)d, "is_ssl": False, "user": %(login)r,
    "password": %(password)r, "object_id": env["ir.model"]._get_id("crm.case"),
    "crm_case_section_id": mail_section.id,
})
ids["server"] = server.id
env.cr.commit()
print("SETUP " + json.dumps(ids))
"""

# Stops the process, mid-transaction, when ``method`` of ``model`` has been
# called ``calls`` times: after the work, before its commit.
PAUSE_SCRIPT = """
import os, time
%(prelude)s
Model = type(env[%(model)r])
original = getattr(Model, %(method)r)
calls = []

def paused(self, *args, **kwargs):
    result = original(self, *args, **kwargs)
    calls.append(1)
    if len(calls) == %(calls)d:
        print("PAUSED %%d" %% env.cr._cnx.get_backend_pid(), flush=True)
        deadline = time.monotonic() + 600
        while not os.path.exists(%(flag)r) and time.monotonic() < deadline:
            time.sleep(0.05)
    return result

setattr(Model, %(method)r, paused)
try:
    %(run)s
    env.cr.commit()
    print("RUN DONE", flush=True)
except Exception as error:
    print("RUN FAILED " + type(error).__module__ + "." + type(error).__name__,
          flush=True)
    raise
"""

RUN_CHECKER = 'env["crm.case.rule"]._cron_check()'
RUN_FETCH = 'env["fetchmail.server"].browse(%d).fetch_mail()'

RULE_STATE_SCRIPT = """
import json
rule = env["crm.case.rule"].browse(%(rule)d)
cases = env["crm.case"].search([("section_id", "=", %(section)d)])
logs = env["crm.case.rule.log"].search([("rule_id", "=", rule.id)])
mails = env["mail.mail"].search([("model", "=", "crm.case"),
                                 ("res_id", "in", cases.ids),
                                 ("subject", "=like", "Reminder: %%")])
state = {
    "cases": len(cases),
    "done": sorted(logs.filtered(lambda log: log.state == "done").case_id.ids),
    "logs_per_case": max([len(logs.filtered(lambda l, c=c: l.case_id == c))
                          for c in cases] or [0]),
    "mails_per_case": {str(c.id): len(mails.filtered(lambda m, c=c: m.res_id == c.id))
                       for c in cases},
}
print(%(marker)r + " " + json.dumps(state))
"""

MAIL_STATE_SCRIPT = """
import json
ids = json.loads(%(ids)r)
Message = env["mail.message"]
Failure = env["crm.case.mail.failure"]
counts = {}
for message_id in ids:
    counts[message_id] = [
        Message.search_count([("message_id", "=", message_id),
                              ("model", "=", "crm.case")]),
        Failure.search_count([("message_id", "=", message_id),
                              ("state", "=", "failed")]),
    ]
print(%(marker)r + " " + json.dumps(counts))
"""


# The poison mail and how often it may stop the fetch.
POISON_ID = "<parts-2000@example.org>"
POISON_ATTEMPTS = 2
POISON_SETUP_SCRIPT = """
set_param = env["ir.config_parameter"].set_param
set_param("crm_case.mail_max_parts", 100000)
set_param("crm_case.mail_time_budget", 0)
set_param("crm_case.mail_max_attempts", %(attempts)d)
env.cr.commit()
"""
POISON_RESET_SCRIPT = """
for name in ("mail_max_parts", "mail_time_budget", "mail_max_attempts"):
    env["ir.config_parameter"].set_param("crm_case." + name, False)
env.cr.commit()
"""
# The attempts counted on a mail, read while the fetch runs.
ATTEMPTS_QUERY = "SELECT attempts FROM crm_case_mail_attempt WHERE message_id = %s"

SWITCH_RULES_SCRIPT = """
env["crm.case.rule"].search([]).active = False
env["crm.case.rule"].browse(%d).active = True
env.cr.commit()
"""

# A whole run, committed, to finish what a stopped run left.
PAUSE_SCRIPT_FULL = """
%s
env.cr.commit()
"""
