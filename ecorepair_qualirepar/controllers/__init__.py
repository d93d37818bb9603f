from . import portal
from . import bonus
