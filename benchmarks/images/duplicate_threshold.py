"""Chooses an image collection's near-duplicate threshold by measurement, on a served collection
of openclipart categories (as `scripts/system-test.sh` builds it).

For two disjoint sets of picks (a tuning seed and a held-out seed), it searches with the five
changed copies of each pick that Tests/System/clipart_test.py uses (mirror, 85 % crop, half size,
JPEG q70 on white, 0.8 brightness) and with PNGs from the openclipart categories outside the
collection, then prints precision and recall of "top result's score ≥ threshold" for thresholds
from 0.70 to 0.99. The chosen threshold is the one with the best F1 on the tuning picks (the
higher on a tie); the held-out figures at that threshold are the ones to report.

    python benchmarks/images/duplicate_threshold.py --base-url http://127.0.0.1:8080 \\
        --collection clipart --folder DATA/clipart-source
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "System"))

from clipart_test import copies_answers, flagged, precision_recall, stored_picks, unrelated_answers  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--collection", default="clipart")
    parser.add_argument("--folder", required=True, help="the folder of category links that was ingested")
    parser.add_argument("--picks", type=int, default=100)
    parser.add_argument("--tuning-seed", type=int, default=1)
    parser.add_argument("--held-out-seed", type=int, default=20261206, help="the seed of clipart_test.py")
    arguments = parser.parse_args()

    splits = {}
    for name, seed in (("tuning", arguments.tuning_seed), ("held-out", arguments.held_out_seed)):
        picks = stored_picks(arguments.base_url, arguments.collection, arguments.picks, seed)
        splits[name] = (
            copies_answers(arguments.base_url, arguments.collection, picks),
            unrelated_answers(arguments.base_url, arguments.collection, arguments.folder, arguments.picks, seed),
        )
    print("| threshold | tuning precision | tuning recall | held-out precision | held-out recall |")
    print("|---:|---:|---:|---:|---:|")
    best = (-1.0, None)
    for step in range(70, 100):
        threshold = step / 100
        tuning = precision_recall(*splits["tuning"], threshold=threshold)
        held_out = precision_recall(*splits["held-out"], threshold=threshold)
        best = max(best, (f1(*tuning), threshold))
        print(f"| {threshold:.2f} | {tuning[0]:.3f} | {tuning[1]:.3f} | {held_out[0]:.3f} | {held_out[1]:.3f} |")
    print(f"chosen threshold (best tuning F1, {best[0]:.3f}): {best[1]:.2f}")
    for name, (copies, unrelated) in splits.items():
        wrong_original = sum(flagged(answer, best[1]) not in (None, item_id) for answers in copies.values() for item_id, answer in answers)
        unrelated_flagged = sum(flagged(answer, best[1]) is not None for answer in unrelated)
        print(f"{name} at {best[1]:.2f}: {wrong_original} copies flagged with another image, "
              f"{unrelated_flagged} of {len(unrelated)} unrelated images flagged")


def f1(precision, recall):
    return 2 * precision * recall / max(precision + recall, 1e-9)


if __name__ == "__main__":
    main()
