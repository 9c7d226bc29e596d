"""The Salesforce provider (simple-salesforce): the CRM port, error mapping and API allocation."""

from app.providers.salesforce.client import KEY_FIELD, SalesforceCrm, SessionSource
from app.providers.salesforce.errors import SalesforceProblem, classify_salesforce_error

__all__ = ["KEY_FIELD", "SalesforceCrm", "SalesforceProblem", "SessionSource", "classify_salesforce_error"]
