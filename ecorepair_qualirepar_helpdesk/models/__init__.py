from . import res_company
from . import res_config_settings
from . import helpdesk_ticket
from . import qualirepar_audit_pack
