"""Where the repository and the optional shared evaluation data are."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
#: ../shared next to the checkout: present on the team's machines, absent on a user's
SHARED = REPO.parent / "shared"
