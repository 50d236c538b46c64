"""``python -m sparkpost_tracking.policy``: print the policy pack's folder, for ``pulumi preview --policy-pack``."""

from __future__ import annotations

from pathlib import Path

if __name__ == "__main__":
    print(Path(__file__).resolve().parent / "pack")
