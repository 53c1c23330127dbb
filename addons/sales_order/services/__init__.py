"""Business logic of sales orders; every function takes the ``env`` first."""
