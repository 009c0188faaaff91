from . import crm_case_section_menu_create
from . import mail_compose_message
