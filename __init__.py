from . import controllers
from . import models
from . import report
from . import wizard


def uninstall_hook(env):
    """Generated menus and actions belong to no data file: remove them here."""
    env["crm.case.section.menu"]._remove_all_generated_menus()
