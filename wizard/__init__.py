from . import crm_case_section_menu_create
from . import crm_case_section_menu_create_sla
