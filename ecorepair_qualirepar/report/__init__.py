from . import qualirepar_bonus_aging
