from . import portal
from . import bonus
from . import booking
