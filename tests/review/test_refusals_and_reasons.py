"""What ``review`` reads from the engine's words: each form of its refusal of a protected resource names that
resource's whole URN (quoted or not, with or without the sentence's stop), and a replacement's reasons are the
program's own inputs (the provider's bookkeeping left out), each named with its old and new value."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from sparkpost_tracking.review import read_preview
from sparkpost_tracking.review.preview import Refusal
from sparkpost_tracking.review.review import DOCUMENT, UNPLACED
from tests.review.previews import CF, document, named, reasons, sames, state, step, verdicts
from tests.review.test_review import OTHERS_SAFE, only

TD = "cf-example-com-sparkpost"


def td_urn() -> str:
    return named(state(), TD).urn


@pytest.mark.parametrize(("template", "kind"), [
    ('error: resource "{urn}" cannot be deleted\nbecause it is protected. To unprotect the resource...', "delete"),
    ("error: resource {urn} cannot be deleted because it is protected", "delete"),
    ('refusing to delete protected resource "{urn}"', "delete"),
    ("refusing to delete protected resource {urn}", "delete"),
    ("refusing to delete protected resource {urn}.", "delete"),
    ("refusing to delete protected resource {urn}:", "delete"),
    ('error: resource "{urn}" cannot be replaced because it is protected', "replace"),
    ('error: unable to replace resource "{urn}"\nas it is currently marked for protection. To unprotect...', "replace"),
    ('error: unable to replace resource "{urn}" as part of replacing "urn:pulumi:dev::p::t::other"', "dependent"),
])
def test_each_refusal_form_names_the_whole_urn(template: str, kind: str) -> None:
    urn = td_urn()
    doc = document([], [{"severity": "error", "message": template.format(urn=urn), "urn": "urn:pulumi:dev::p::t::x"}])
    assert read_preview(json.dumps(doc)).refusals == [Refusal(urn, kind)]


@pytest.mark.parametrize("message", ["refusing to delete protected resource {urn}",
                                     'refusing to delete protected resource "{urn}"'])
def test_a_refused_delete_in_the_older_words_is_judged_on_the_domain_it_names(message: str) -> None:
    olds = state()
    td = named(olds, TD)
    doc = document(sames([r for r in olds if r is not td]),
                   [{"severity": "error", "message": message.format(urn=td.urn)}])
    assert verdicts(doc) == {**only(CF, "breaks-links"), DOCUMENT: "breaks-links"}
    assert UNPLACED not in verdicts(doc)
    assert ("sparkpost", "delete", "breaks-links", "deleted: every link sent through cf.example.com stops working "
            "(the engine refused it: the resource is protected)") in reasons(doc, CF)


def test_a_delete_the_engine_did_not_refuse_says_nothing_of_protection() -> None:
    olds = state()
    td = named(olds, TD)
    doc = document([*sames([r for r in olds if r is not td]), step("delete", td, None)])
    assert ("sparkpost", "delete", "breaks-links", "deleted: every link sent through cf.example.com stops "
            "working") in reasons(doc, CF)


def replaced(reasons_given: list[str], **inputs: Any) -> dict[str, Any]:
    """The stack with its SparkPost domain of cf.example.com replaced, for these reasons, to these inputs."""
    olds = state()
    td = named(olds, TD)
    new = copy.deepcopy(td)
    new.inputs.update(inputs)
    return document([*sames([r for r in olds if r is not td]),
                     step("replace", td, new, replaceReasons=reasons_given)])


def test_a_replacement_names_each_of_the_program_s_reasons_and_not_the_provider_s() -> None:
    doc = replaced(["__provider", "domain", "managed_certificate"], domain="cf.example.com", managed_certificate=True)
    assert verdicts(doc) == {**OTHERS_SAFE, CF: "breaks-links"}
    assert ("sparkpost", "replace", "breaks-links",
            "replaced because domain 'cf.example.com' → 'cf.example.com', managed_certificate False → True changes: "
            "SparkPost deletes it first, and links sent through cf.example.com break") in reasons(doc, CF)


@pytest.mark.parametrize("given", [[], ["__provider"]])
def test_a_replacement_without_reasons_of_the_program_says_only_that_it_is_replaced(given: list[str]) -> None:
    doc = replaced(given)
    assert ("sparkpost", "replace", "breaks-links", "replaced: SparkPost deletes it first, and links sent through "
            "cf.example.com break") in reasons(doc, CF)


def test_only_the_sentence_s_stop_is_taken_off_the_urn() -> None:
    urn = "urn:pulumi:dev::sparkpost-tracking::aws:route53/record:Record::HOST-X"
    doc = document([], [{"severity": "error", "message": f"refusing to delete protected resource {urn}."}])
    assert read_preview(json.dumps(doc)).refusals == [Refusal(urn, "delete")]
