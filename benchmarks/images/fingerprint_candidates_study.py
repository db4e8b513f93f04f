"""Would a second source of candidates help the near-tie order? A measurement on a served image
collection, e.g. the whole of Debian's openclipart-png, before building one.

Quarry orders the candidates within NearTieOrdering's window of the best embedding score by
score + 2 × fingerprint match (benchmarks/images/near_tie_study.py). When the original is not
among them, no order finds it. This study adds the stored images whose fingerprints look most
like the query's: each fingerprint squeezed to SIDE × SIDE pixels (gray or RGB), less its mean,
scaled to length 1, so that an inner product is a normalised cross-correlation; the N nearest of
every stored image join the candidates, and all of them are ordered as Quarry orders its near ties.

For the same two sets of picks as near_tie_study.py (the tuning seed and clipart_test.py's
held-out seed) and the same five changes, it prints per change how often the original is among
the N nearest descriptors, and how often it comes first with them added. The server answers 50
candidates (the API's largest top_k); an added candidate outside them has no known score, so it is
given the 50th score less MARGIN: a margin of 0 gives it more than it has (an upper bound of what a
second source gains), a larger one less.

Stored fingerprints are read from the collection's store (`--store DATA/NAME/store.sqlite`), as
Quarry keeps them.

    "$(benchmarks/reference/setup-venv.sh image | tail -n 1)" benchmarks/images/fingerprint_candidates_study.py \\
        --base-url http://127.0.0.1:8080 --collection clip --store data/clip/store.sqlite
"""

import argparse
import io
import os
import sqlite3
import sys

import numpy
from PIL import Image

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "System"))

from clipart_test import TRANSFORMS, changed_copies, search_image, stored_picks  # noqa: E402
from near_tie_study import fingerprint, matches  # noqa: E402

WINDOW, WEIGHT, PENALTY = 0.1, 2.0, 0.02  # NearTieOrdering and ImageFingerprint as they are
ANSWERS = 50
SIDES = (8, 16, 24)
NEAREST = (10, 20)
MARGINS = (0.0, 0.05, 0.15)


def stored_fingerprints(path):
    """{id: fingerprint image} of the store: a width byte, a height byte, then RGB pixels."""
    rows = sqlite3.connect(f"file:{path}?mode=ro", uri=True).execute(
        "SELECT id, fingerprint FROM images WHERE fingerprint IS NOT NULL")
    return {item_id: Image.frombytes("RGB", (blob[0], blob[1]), bytes(blob[2:])) for item_id, blob in rows}


def descriptor(image, side, gray):
    values = numpy.asarray((image.convert("L") if gray else image).resize((side, side), Image.BILINEAR), numpy.float32)
    values = values.reshape(-1) - values.mean()
    norm = numpy.linalg.norm(values)
    return values / norm if norm > 0 else values


def collect(base_url, collection, picks):
    """{change: [(pick, query fingerprint, [(id, score)] of the first 50 answers)]}."""
    copies = {name: [] for name in TRANSFORMS}
    for name, pick, upload in changed_copies(base_url, collection, picks):
        answers = search_image(base_url, collection, upload, top_k=ANSWERS)["results"]
        copies[name].append((pick, fingerprint(Image.open(io.BytesIO(upload)), 64),
                             [(answer["id"], answer["score"]) for answer in answers]))
    return copies


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--collection", default="clip")
    parser.add_argument("--store", required=True, help="the collection's store.sqlite")
    parser.add_argument("--picks", type=int, default=100)
    parser.add_argument("--tuning-seed", type=int, default=1)
    parser.add_argument("--held-out-seed", type=int, default=20261206, help="the seed of clipart_test.py")
    arguments = parser.parse_args()

    stored = stored_fingerprints(arguments.store)
    ids = numpy.array(sorted(stored))
    splits = []
    for name, seed in (("tuning", arguments.tuning_seed), ("held-out", arguments.held_out_seed)):
        print(f"{name} picks (seed {seed})", file=sys.stderr, flush=True)
        splits.append(collect(arguments.base_url, arguments.collection,
                              stored_picks(arguments.base_url, arguments.collection, arguments.picks, seed)))

    match_cache = {}

    def match(change, pick, query, item_id):
        if (change, pick, item_id) not in match_cache:
            direct, mirrored = matches(query, stored[item_id])
            match_cache[change, pick, item_id] = max(direct, mirrored - PENALTY)
        return match_cache[change, pick, item_id]

    def counts(nearest_of, n, margin):
        """Per split, per change: (original among the n nearest, original first with them added)."""
        result = []
        for split in splits:
            among, first = [], []
            for change, answers in split.items():
                hits = wins = 0
                for pick, query, served in answers:
                    # The embedding's order: the served one has its near ties reordered already.
                    ranked = sorted(served, key=lambda answer: -answer[1])
                    scores = dict(ranked)
                    unknown = ranked[-1][1] - margin
                    tied = [item_id for item_id, score in ranked[:30] if score >= ranked[0][1] - WINDOW]
                    nearest = nearest_of(query)[:n] if n else []
                    hits += pick in nearest
                    candidates = list(dict.fromkeys(tied + nearest))
                    chosen = max(candidates, key=lambda c: scores.get(c, unknown) + WEIGHT * match(change, pick, query, c))
                    wins += chosen == pick
                among.append(hits)
                first.append(wins)
            result.append((among, first))
        return result

    def row(label, split_counts, index):
        return f"| {label} | " + " | ".join(
            f"{' '.join(f'{n:3d}' for n in counts[index])} (Σ {sum(counts[index])})" for counts in split_counts) + " |"

    print(f"Of {arguments.picks} picks per change ({', '.join(TRANSFORMS)}): tuning | held-out\n")
    print("| candidates | tuning | held-out |\n|---|---|---|")
    print(row("within the window only (Quarry), original first", counts(lambda _: [], 0, 0.0), 1))
    for side, gray in ((side, gray) for side in SIDES for gray in (True, False)):
        matrix = numpy.stack([descriptor(stored[item_id], side, gray) for item_id in ids])
        cache = {}

        def nearest_of(query):
            if id(query) not in cache:
                cache[id(query)] = [int(item_id) for item_id in ids[numpy.argsort(-(matrix @ descriptor(query, side, gray)))[:max(NEAREST)]]]
            return cache[id(query)]

        label = f"{side} × {side} {'gray' if gray else 'RGB'}"
        for n in NEAREST:
            print(row(f"{label}: original among the {n} nearest", counts(nearest_of, n, 0.0), 0))
            for margin in MARGINS:
                print(row(f"{label}, {n} nearest added, unknown score = 50th − {margin}: original first",
                          counts(nearest_of, n, margin), 1))


if __name__ == "__main__":
    main()
