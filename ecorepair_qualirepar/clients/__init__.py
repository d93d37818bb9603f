"""Pure Python clients of the eco-organism APIs (no Odoo import: also loaded by file path from pytest)."""

from . import ecologic, ecosystem
from .common import (
    ApiError,
    AuthenticationError,
    BaseClient,
    PermanentError,
    TemporaryError,
    ValidationError,
)
from .ecologic import EcologicClient, validation_errors
from .ecosystem import EcosystemClient

__all__ = [
    "ApiError", "AuthenticationError", "BaseClient", "EcologicClient", "EcosystemClient", "PermanentError",
    "TemporaryError", "ValidationError", "ecologic", "ecosystem", "validation_errors",
]
