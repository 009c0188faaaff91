from . import controllers
from . import models
from . import report
from . import wizard


def uninstall_hook(env):
    """Remove what belongs to no data file: generated menus and actions, and
    the function behind the triggers of the statistics' partial sums."""
    env["crm.case.section.menu"]._remove_all_generated_menus()
    env["crm.case.report.cell"]._drop_triggers()
