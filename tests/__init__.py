from . import test_crm_case_section
from . import test_crm_case_workflow
from . import test_crm_case_form
from . import test_crm_case_history
from . import test_crm_case_access
from . import test_crm_case_tour
from . import test_crm_case_section_menu
from . import test_crm_case_web
