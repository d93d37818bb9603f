from . import test_call_centre
