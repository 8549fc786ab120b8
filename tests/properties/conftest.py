"""Hypothesis profiles for the property tests.

``HYPOTHESIS_PROFILE=ci`` (set by .ci/run) runs at least 2,000 examples per
property with no per-example deadline; the default profile keeps local runs
short (100 examples, hypothesis' own default).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

settings.register_profile(
    # no shrinking in CI: a failure prints its reproduction blob instead of shrinking for minutes
    "ci", max_examples=2000, deadline=None, print_blob=True,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "dev", max_examples=100, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
