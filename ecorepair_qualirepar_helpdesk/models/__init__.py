from . import res_company
from . import helpdesk_ticket
from . import qualirepar_audit_pack
