from . import qualirepar_remittance
