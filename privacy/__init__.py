"""A customer's personal data: what we hold (export), erasure on request, and retention."""
