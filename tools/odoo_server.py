"""An Odoo server started by the repository's own tests and benchmarks (tests/, bench/): waiting until it answers."""

import time
import urllib.request


def wait_until_up(process, port, log, tries=120):
    """Return once the Odoo server ``process`` answers on ``port`` (its /web/health); fail, naming its ``log``, if it
    stops or does not answer within ``tries`` half-seconds."""
    for _ in range(tries):
        assert process.poll() is None, f"the Odoo server stopped: see {log}"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/web/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError("the Odoo server did not answer")
