"""The generic JSON API under ``/api/v1/``: every model the user may access."""
