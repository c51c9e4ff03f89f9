"""taxgate: lawful, accurate, minimal and accounted answers to §6103(i)(2) address requests."""

from taxgate.agreement import Agreement, load_agreement
from taxgate.errors import TaxgateError
from taxgate.screening.codes import BatchFlag, ReasonCode
from taxgate.workspace import Workspace

__all__ = [
    "Agreement",
    "BatchFlag",
    "ReasonCode",
    "TaxgateError",
    "Workspace",
    "load_agreement",
]
__version__ = "0.1.0"
