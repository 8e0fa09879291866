"""Use cases and read queries: each method one transaction, over the domain and storage."""
