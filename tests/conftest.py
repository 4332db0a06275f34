"""Settings every test shares.

The console lays tables out for a 160-column pipe unless ``COLUMNS`` says otherwise
(``fmssim.report.console``); the tests check that layout, so they run without the caller's
``COLUMNS`` — which a terminal may export and which pytest-xdist's workers set to 80.
"""

from __future__ import annotations

import os

os.environ.pop("COLUMNS", None)
