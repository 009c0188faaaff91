from . import crm_case_section_menu_create
