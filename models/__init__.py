from . import crm_case_section
from . import crm_case_categ
from . import crm_case
from . import res_partner
from . import mail_thread
from . import fetchmail_server
from . import crm_case_mail_failure
