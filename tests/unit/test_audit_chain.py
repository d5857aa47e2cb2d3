"""The chain rules: any edit, deletion, reordering or cut-off tail is found, and the first broken entry named."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callwarden.domain.audit import (
    GENESIS_HASH,
    AuditEntry,
    AuditEvent,
    compute_hash,
    hashed_fields,
    seal,
    verify_chain,
)


def build(n: int) -> list[AuditEntry]:
    chain: list[AuditEntry] = []
    prev = GENESIS_HASH
    for i in range(1, n + 1):
        entry = seal(
            AuditEvent(actor="u", action="call.viewed", resource_type="call", resource_id=f"c{i}", details={"i": i}),
            seq=i,
            at=f"2026-11-28T10:00:{i:02d}+00:00",
            prev_hash=prev,
        )
        chain.append(entry)
        prev = entry.hash
    return chain


def test_intact_chain_verifies_and_reports_head() -> None:
    chain = build(5)
    verdict = verify_chain(chain, expected_count=5, expected_head=chain[-1].hash)
    assert verdict.ok and verdict.checked == 5 and verdict.head_hash == chain[-1].hash


def test_hash_is_of_canonical_json_so_outsiders_can_recompute() -> None:
    entry = build(1)[0]
    assert entry.hash == compute_hash(hashed_fields(entry))
    assert entry.prev_hash == GENESIS_HASH


@pytest.mark.parametrize("field", ["actor", "action", "resource_id", "purpose", "at"])
def test_edited_field_is_named_as_first_broken_entry(field: str) -> None:
    chain = build(6)
    chain[2] = dataclasses.replace(chain[2], **{field: "tampered"})
    verdict = verify_chain(chain)
    assert not verdict.ok and verdict.broken_seq == 3 and verdict.checked == 2
    assert "hash" in (verdict.reason or "")


def test_edited_details_are_found() -> None:
    chain = build(4)
    chain[1] = dataclasses.replace(chain[1], details={"i": 99})
    assert verify_chain(chain).broken_seq == 2


def test_rehashed_edit_still_breaks_the_next_link() -> None:
    chain = build(4)
    forged = dataclasses.replace(chain[1], actor="mallory", hash="")
    forged = dataclasses.replace(forged, hash=compute_hash(hashed_fields(forged)))
    chain[1] = forged
    verdict = verify_chain(chain)
    assert verdict.broken_seq == 3 and "link" in (verdict.reason or "")


def test_deleted_entry_is_found() -> None:
    chain = build(5)
    del chain[2]
    verdict = verify_chain(chain)
    assert verdict.broken_seq == 4 and "missing" in (verdict.reason or "")


def test_cut_off_tail_is_found_through_the_head() -> None:
    chain = build(5)
    assert not verify_chain(chain[:3], expected_count=5).ok
    assert not verify_chain(chain[:3], expected_head=chain[-1].hash).ok


@given(st.integers(min_value=1, max_value=30), st.data())
def test_any_single_edit_breaks_verification(n: int, data: st.DataObject) -> None:
    chain = build(n)
    index = data.draw(st.integers(min_value=0, max_value=n - 1))
    chain[index] = dataclasses.replace(chain[index], resource_id="x" + (chain[index].resource_id or ""))
    verdict = verify_chain(chain)
    assert not verdict.ok and verdict.broken_seq == index + 1
