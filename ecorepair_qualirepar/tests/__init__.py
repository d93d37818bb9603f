from . import test_reference_sync
from . import test_backend
from . import test_security
from . import test_product_mapping
from . import test_ui
