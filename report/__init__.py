from . import crm_case_report_cell
from . import crm_case_report
from . import crm_case_report_read_group
from . import report_crm_case
from . import report_crm_case_report
from . import crm_case_sla_report
