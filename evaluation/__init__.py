"""Quality evaluation of the service's own engines on the shared test sets (``make eval``)."""
