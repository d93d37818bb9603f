"""Pure Python clients of the eco-organism APIs (no Odoo import: also loaded by file path from pytest)."""

from . import claims, ecologic, ecosystem
from .common import (
    ApiError,
    AuthenticationError,
    BaseClient,
    CreationUnknown,
    PermanentError,
    TemporaryError,
    ValidationError,
)
from .ecologic import EcologicClient, validation_errors
from .ecosystem import EcosystemClient

# The client of each organism (a connection's ``organism``)
CLIENTS = {"ecosystem": EcosystemClient, "ecologic": EcologicClient}

__all__ = [
    "CLIENTS", "ApiError", "AuthenticationError", "BaseClient", "CreationUnknown", "EcologicClient", "EcosystemClient",
    "PermanentError", "TemporaryError", "ValidationError", "claims", "ecologic", "ecosystem", "validation_errors",
]
