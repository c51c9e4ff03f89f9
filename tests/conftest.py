"""Suite-wide test settings.

Hypothesis' "too slow" health check measures wall time, which a shared 2-core CI machine
cannot promise; the properties themselves are unchanged (same examples, no deadline).
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

settings.register_profile(
    "taxgate", suppress_health_check=[HealthCheck.too_slow], deadline=None, print_blob=True
)
settings.load_profile("taxgate")
