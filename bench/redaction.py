"""Redaction benchmark: precision and recall per PII type on presidio-research's synthetic set, ours beside
presidio-analyzer's pattern recognizers, and text-redaction throughput of both. Prints JSON.

Data: ../shared/external/pii/synth_dataset_v2.json (1,500 sentences, written digits; see its README).
Matching: a predicted span counts as correct when it overlaps (by at least one character) a labelled span of
the same type; a labelled span counts as found when a predicted span of the same type overlaps it. Types are
compared one to one (CREDIT_CARD, US_SSN, EMAIL_ADDRESS, PHONE_NUMBER, PERSON, STREET_ADDRESS); the set does
not label our CVV, CARD_EXPIRY, BANK_ACCOUNT, ROUTING_NUMBER or DATE_OF_BIRTH, so those are counted, not scored.
Split: sentences with an even index are the half the detector may be tuned on, odd ones are held out; both
halves and the whole set are reported.

presidio runs in the benchmark's own environment (``make bench-redaction`` makes .venv-bench from
bench/requirements-redaction.txt) with CreditCardRecognizer, UsSsnRecognizer, EmailRecognizer and
PhoneRecognizer only (no spaCy model, so no PERSON or address figures for it), every score kept (its
AnalyzerEngine's default threshold is 0). Without presidio the figures are ours alone and say so.

``--with-audio`` adds the audio leak rate after redaction on synthetic calls with spoken PII
(bench/redaction_audio.py: ASR in the loop, so it runs in .venv, where ``make bench`` runs it).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from callwarden.analysis.pii import find_pii_in_text, redact_text

DATA = Path(__file__).resolve().parents[2] / "shared" / "external" / "pii" / "synth_dataset_v2.json"
SCORED = ("CREDIT_CARD", "US_SSN", "EMAIL_ADDRESS", "PHONE_NUMBER", "PERSON", "STREET_ADDRESS")
PRESIDIO_TYPES = ("CREDIT_CARD", "US_SSN", "EMAIL_ADDRESS", "PHONE_NUMBER")
TARGETS = {"recall": 0.95, "precision": 0.85, "types": list(PRESIDIO_TYPES)}
Span = tuple[str, int, int]
Detector = Callable[[str], list[Span]]


def ours(text: str) -> list[Span]:
    return [(s.type.value, s.start, s.end) for s in find_pii_in_text(text)]


def presidio() -> tuple[Detector, Callable[[str], str]] | None:
    """presidio's pattern recognizers as a detector and a redactor, or None when it is not installed."""
    try:
        from presidio_analyzer.predefined_recognizers import (
            CreditCardRecognizer,
            EmailRecognizer,
            PhoneRecognizer,
            UsSsnRecognizer,
        )
    except ImportError:
        return None
    recognizers = [CreditCardRecognizer(), UsSsnRecognizer(), EmailRecognizer(), PhoneRecognizer()]

    def detect(text: str) -> list[Span]:
        found: list[Span] = []
        for recognizer in recognizers:
            results = recognizer.analyze(text, recognizer.supported_entities, None)
            found.extend((r.entity_type, r.start, r.end) for r in results or [] if r.score > 0)
        return found

    def redact(text: str) -> str:
        for kind, start, end in sorted(detect(text), key=lambda s: -s[1]):
            text = text[:start] + f"[{kind}]" + text[end:]
        return text

    return detect, redact


def overlaps(a: Span, b: Span) -> bool:
    return a[0] == b[0] and a[1] < b[2] and b[1] < a[2]


def score(rows: Sequence[dict[str, Any]], predictions: Sequence[list[Span]], types: Sequence[str]) -> dict[str, Any]:
    per_type: dict[str, Any] = {}
    for kind in types:
        tp_pred = n_pred = found = n_gold = 0
        for row, predicted in zip(rows, predictions, strict=True):
            gold = [(s["entity_type"], s["start_position"], s["end_position"]) for s in row["spans"]]
            gold = [g for g in gold if g[0] == kind]
            mine = [p for p in predicted if p[0] == kind]
            n_pred += len(mine)
            n_gold += len(gold)
            tp_pred += sum(any(overlaps(p, g) for g in gold) for p in mine)
            found += sum(any(overlaps(p, g) for p in mine) for g in gold)
        per_type[kind] = {
            "labelled": n_gold,
            "predicted": n_pred,
            "precision": round(tp_pred / n_pred, 3) if n_pred else None,
            "recall": round(found / n_gold, 3) if n_gold else None,
        }
    return per_type


def throughput(texts: Sequence[str], redact: Callable[[str], str]) -> dict[str, float]:
    start = time.perf_counter()
    for text in texts:
        redact(text)
    elapsed = time.perf_counter() - start
    chars = sum(len(t) for t in texts)
    return {
        "texts_per_s": round(len(texts) / elapsed, 1),
        "chars_per_s": round(chars / elapsed),
        "seconds": round(elapsed, 3),
    }


def audio_leaks() -> dict[str, Any] | str:
    """bench/redaction_audio.py's figures (synthetic calls with spoken PII through the ASR, the redacted audio
    heard again), or why they could not be measured here (the presidio environment has no speech stack)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    try:
        from redaction_audio import measure_leaks
    except ImportError as exc:
        return f"unavailable in this environment ({exc}): run bench/redaction_audio.py in .venv"
    figures: dict[str, Any] = measure_leaks()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--with-audio", action="store_true", help="also the audio leak rate on synthetic calls")
    args = parser.parse_args()
    rows: list[dict[str, Any]] = json.loads(DATA.read_text(encoding="utf-8"))
    halves = {"tune (even index)": rows[0::2], "held out (odd index)": rows[1::2], "all": rows}
    texts = [r["full_text"] for r in rows]
    report: dict[str, Any] = {
        "dataset": str(DATA.name),
        "sentences": len(rows),
        "matching": "a prediction is correct when it overlaps a labelled span of the same type by >= 1 character; "
        "a labelled span is found when a prediction of the same type overlaps it",
        "targets": TARGETS,
        "ours": {},
    }
    our_predictions = [ours(t) for t in texts]
    by_index = dict(enumerate(our_predictions))
    for name, half in halves.items():
        offset = 0 if name != "held out (odd index)" else 1
        step = 1 if name == "all" else 2
        report["ours"][name] = score(half, [by_index[offset + i * step] for i in range(len(half))], SCORED)
    report["ours"]["unscored types predicted"] = dict(
        Counter(p[0] for preds in our_predictions for p in preds if p[0] not in SCORED)
    )
    report["ours"]["throughput"] = throughput(texts, lambda t: redact_text(t, find_pii_in_text(t)))
    loaded = presidio()
    if loaded is None:
        report["presidio"] = "unavailable: presidio-analyzer is not importable (run `make bench-redaction`)"
    else:
        detect, redact = loaded
        theirs = [detect(t) for t in texts]
        report["presidio"] = {
            "recognizers": ["CreditCardRecognizer", "UsSsnRecognizer", "EmailRecognizer", "PhoneRecognizer"],
            "tune (even index)": score(rows[0::2], theirs[0::2], PRESIDIO_TYPES),
            "held out (odd index)": score(rows[1::2], theirs[1::2], PRESIDIO_TYPES),
            "all": score(rows, theirs, PRESIDIO_TYPES),
            "throughput": throughput(texts, redact),
        }
    held = report["ours"]["held out (odd index)"]
    report["targets_met_held_out"] = {
        k: bool(
            held[k]["recall"] is not None
            and held[k]["recall"] >= TARGETS["recall"]
            and (held[k]["precision"] or 0) >= TARGETS["precision"]
        )
        for k in PRESIDIO_TYPES
    }
    if args.with_audio:
        report["audio"] = audio_leaks()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
