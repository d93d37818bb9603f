from . import qualirepar_remittance
from . import qualirepar_audit_pack
