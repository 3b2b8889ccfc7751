"""The register's persistence: SQLite by default, any SQLAlchemy database by URL.

See :mod:`armstrack.store.schema` for the tables and why their ids are
deterministic, and :mod:`armstrack.store.store` for the transaction rules.
"""

from armstrack.store.schema import SCHEMA_VERSION
from armstrack.store.store import (
    Batch,
    FailureRecord,
    NotARegister,
    SchemaVersionError,
    Store,
    StoredArticle,
    StoreError,
    StoreNotFound,
    claim_key,
    database_url,
)

__all__ = [
    "SCHEMA_VERSION",
    "Batch",
    "FailureRecord",
    "NotARegister",
    "SchemaVersionError",
    "StoreError",
    "Store",
    "StoreNotFound",
    "StoredArticle",
    "claim_key",
    "database_url",
]
