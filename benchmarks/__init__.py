"""``make bench``: throughput and latency of the service against a naive baseline (issue 4)."""
