from . import crm_case_section
from . import crm_case_categ
from . import crm_case
from . import res_partner
from . import crm_case_rule
from . import crm_case_rule_log
from . import crm_case_section_menu
