"""Local sandbox reproducing the ecosystem and Ecologic QualiRépar APIs (standard library only).

    srv = SandboxServer(host="127.0.0.1", port=0).start()
    srv.ecosystem_url, srv.ecologic_url, srv.state   # SandboxState: data, claims, faults
    srv.stop()
"""

from .server import SandboxServer
from .state import (
    API_KEY,
    ECOLOGIC,
    ECOSYSTEM,
    PASSWORD,
    REJECT_REASONS,
    REPAIRER_ID,
    USERNAME,
    SandboxState,
)

__all__ = [
    "API_KEY", "ECOLOGIC", "ECOSYSTEM", "PASSWORD", "REJECT_REASONS", "REPAIRER_ID", "USERNAME",
    "SandboxServer", "SandboxState",
]
