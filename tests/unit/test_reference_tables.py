"""The argument and output tables of the docs are what the declarations give (``sparkpost_tracking.reference_tables``),
as docs/schema.json is what the plugin serves."""

from __future__ import annotations

from pathlib import Path

import pytest

from sparkpost_tracking.dynamic_providers.schema import INPUTS
from sparkpost_tracking.reference_tables import PAGES, TABLES, regenerated

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("page", sorted(PAGES))
def test_the_generated_tables_are_fresh(page: str) -> None:
    text = (ROOT / page).read_text()
    assert regenerated(text, PAGES[page]) == text, (
        f"{page}: a generated table is stale; rewrite them with 'python -m sparkpost_tracking.reference_tables'")


def test_every_table_is_on_a_page() -> None:
    assert sorted(name for names in PAGES.values() for name in names) == sorted(TABLES)


def test_the_tables_carry_each_declaration() -> None:
    inputs = TABLES["tracking-domain-inputs"]()
    for name, prop in INPUTS.items():
        assert f"| `{name}` |" in inputs and prop.doc in inputs
    components = TABLES["component-arguments-and-outputs"]()
    for argument in ("zone_id", "certificate_arn", "fastly_cname_target", "sending_domains", "host_record", "label"):
        assert f"| `{argument}` |" in components
    assert "| `cname_target` | str | Where the tracking host's DNS must point" in components
    # an inherited argument keeps the docstring of the class that declares it
    assert "| `make_default` | bool |  | Make this the default tracking domain" in components


def test_a_missing_region_is_an_error() -> None:
    with pytest.raises(ValueError, match="generated: tracking-domain-inputs"):
        regenerated("no regions here\n", ("tracking-domain-inputs",))
