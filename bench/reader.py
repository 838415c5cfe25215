"""Score the eligibility reader on the labelled set (issue 15): precision, recall, wrong-direction errors.

    .venv/bin/python bench/reader.py            # figures per leaf kind, then one JSON line
    .venv/bin/python bench/reader.py --errors   # also every wrong, missed and wrong-direction atom
    .venv/bin/python bench/reader.py --check    # exit 1 on any regression against bench/reader_baseline.json

The labels (tests/trials/ctgov/labels/reader_labels.jsonl) point at items of the shared corpus by NCT id, position
and text hash; the text is read from $SHARED_DATA/ctgov (default ../shared/data) at run time. --check fails when
a label no longer matches its item, on any wrong-direction suggestion, duplicate or invalid suggestion, when a
leaf kind's precision falls below 95%, and when a figure falls below the committed baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from trials.ctgov.criteria.scoring import load_labels, load_studies, score  # noqa: E402
from trials.ctgov.eligibility_text import read_eligibility  # noqa: E402

LABELS = ROOT / "tests" / "trials" / "ctgov" / "labels" / "reader_labels.jsonl"
BASELINE = ROOT / "bench" / "reader_baseline.json"
# The targets; the baseline may only be better.
MIN_KIND_PRECISION, MIN_ITEM_RECALL = 0.95, 0.60


def regressions(summary: dict, baseline: dict) -> list[str]:
    problems = []
    for what in ("stale_labels", "wrong_direction", "duplicates", "invalid"):
        if summary[what]:
            problems.append(f"{what}: {summary[what]} (must be 0)")
    for kind, figures in summary["per_kind"].items():
        if figures["precision"] is not None and figures["precision"] < MIN_KIND_PRECISION:
            problems.append(f"{kind}: precision {figures['precision']:.1%} below {MIN_KIND_PRECISION:.0%}")
    floor = max(MIN_ITEM_RECALL, baseline.get("item_recall", 0))
    if summary["item_recall"] is None or summary["item_recall"] < floor - 1e-9:
        problems.append(f"item recall {summary['item_recall']} below {floor}")
    for what in ("precision", "atom_recall", "screening_precision", "screening_recall"):
        if what in baseline and (summary[what] or 0) < baseline[what] - 1e-9:
            problems.append(f"{what} {summary[what]} below the baseline {baseline[what]}")
    if summary["items"] < baseline.get("items", 0):
        problems.append(f"only {summary['items']} labelled items scored (baseline {baseline['items']})")
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 on a regression (for CI)")
    parser.add_argument("--errors", action="store_true", help="list every error")
    parser.add_argument("--write-baseline", action="store_true", help="store these figures as the baseline")
    parser.add_argument("--labels", default=str(LABELS))
    args = parser.parse_args(argv)

    data = Path(os.environ.get("SHARED_DATA") or ROOT.parent / "shared" / "data") / "ctgov"
    if not data.is_dir():
        print(f"no corpus at {data} (set SHARED_DATA)", file=sys.stderr)
        return 2
    labels = load_labels(args.labels)
    studies = load_studies(data, {label["nct"] for label in labels})
    missing = sorted({label["nct"] for label in labels} - set(studies))
    if missing:
        print(f"labelled studies missing from {data}: {', '.join(missing)}", file=sys.stderr)
        return 2
    result = score(labels, studies, read_eligibility)
    summary = result.summary()

    print(f"{summary['items']} items of {summary['trials']} trials; {summary['items_expressible']} with an "
          f"expressible rule the reader should suggest")
    print(f"{'leaf kind':<22}{'suggested':>10}{'correct':>9}{'precision':>11}{'expected':>10}{'found':>7}"
          f"{'recall':>8}{'wrong dir.':>12}")
    for kind, f in summary["per_kind"].items():
        precision = f"{f['precision']:.1%}" if f["precision"] is not None else "-"
        recall = f"{f['recall']:.1%}" if f["recall"] is not None else "-"
        print(f"{kind:<22}{f['suggested']:>10}{f['correct']:>9}{precision:>11}{f['expected']:>10}{f['found']:>7}"
              f"{recall:>8}{f['wrong_direction']:>12}")
    print(f"precision {summary['precision']}, item recall {summary['item_recall']} (every rule of the item found), "
          f"atom recall {summary['atom_recall']}; wrong direction {summary['wrong_direction']}, duplicates "
          f"{summary['duplicates']}, invalid {summary['invalid']}, stale labels {summary['stale_labels']}; "
          f"screening precision {summary['screening_precision']}, recall {summary['screening_recall']}")
    if args.errors:
        for nct, index, what, atom in result.errors:
            print(f"  {nct} #{index} {what}: {atom}")
        for entry in result.duplicates + result.invalid + result.stale:
            print("  ", entry)
    print(json.dumps(summary, sort_keys=True))

    if args.write_baseline:
        keep = ("items", "precision", "item_recall", "atom_recall", "screening_precision", "screening_recall")
        BASELINE.write_text(json.dumps({k: summary[k] for k in keep}, indent=2, sort_keys=True) + "\n")
    if args.check:
        baseline = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}
        problems = regressions(summary, baseline)
        for problem in problems:
            print(f"REGRESSION: {problem}", file=sys.stderr)
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
