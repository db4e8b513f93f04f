"""Chooses how an image search orders its near ties by fingerprint (NearTieOrdering), by
measurement on a served image collection, e.g. the whole of Debian's openclipart-png.

For two disjoint sets of picks (a tuning seed and the held-out seed of clipart_test.py), it
searches with the five changed copies of each pick that Tests/System/clipart_test.py uses
(mirror, 85 % centre crop, half size, JPEG q70 on white, 0.8 brightness) and reads the top 30
answers, the candidates Quarry orders (--candidates reads up to 50, the API's largest top_k).
It prints how often the original comes first:

* as served;
* by the embedding alone (the same candidates sorted by score, Quarry's order before fingerprints);
* how often the original is among the candidates within each WINDOW of the best (the most any
  order of them can reach);
* for each setting of a grid, recomputed here: each candidate within WINDOW of the best score is
  ranked by score + WEIGHT × fingerprint match, where the fingerprint is the SIDE × SIDE RGB image
  (--sides; Quarry's is 32) that Pillow's bilinear resize makes (bit-exact with Quarry's
  resampler) and the match is the best normalised cross-correlation over the central
  100 / 90 / 80 % and their mirror images (less PENALTY).

The best settings on the tuning picks are those with the highest sum of their two weakest changes
(each change must reach the goal, so the weakest decide), then the highest total; the held-out
figures of the one Quarry uses are the ones to report.

    "$(benchmarks/reference/setup-venv.sh image | tail -n 1)" benchmarks/images/near_tie_study.py \\
        --base-url http://127.0.0.1:8080 --collection clip
"""

import argparse
import io
import itertools
import os
import sys
import warnings

import numpy
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "System"))

from clipart_test import TRANSFORMS, fetch, on_white, search_image, stored_picks  # noqa: E402

# Pillow's bomb warning stays a warning (it refuses over 179 megapixels); a few stored drawings reach 168.
warnings.simplefilter("ignore", Image.DecompressionBombWarning)

CANDIDATES = 30  # what Quarry takes (NearTieOrdering.candidates)
SIDES = (32, 48, 64)
CROP_FRACTIONS = (1.0, 0.9, 0.8)
WEIGHTS = (0.5, 1.0, 2.0, 4.0)
WINDOWS = (0.05, 0.1, 0.2)
PENALTIES = (0.02, 0.05)


def fingerprint(image, side):
    return numpy.asarray(on_white(image).resize((side, side), Image.BILINEAR), numpy.float64)


def correlation(a, b):
    a, b = a - a.mean(), b - b.mean()
    norm = numpy.sqrt((a * a).sum() * (b * b).sum())
    return float((a * b).sum() / norm) if norm > 0 else 0.0


def matches(query, stored):
    """(best match as it is, best match mirrored) of a query fingerprint against a stored one."""
    direct, mirrored = -1.0, -1.0
    full = len(query)
    for fraction in CROP_FRACTIONS:
        side = round(fraction * full)
        origin = (full - side) // 2
        region = stored[origin:origin + side, origin:origin + side]
        squeezed = query if side == full else numpy.asarray(
            Image.fromarray(query.astype(numpy.uint8)).resize((side, side), Image.BILINEAR), numpy.float64)
        direct = max(direct, correlation(squeezed, region))
        mirrored = max(mirrored, correlation(squeezed[:, ::-1], region))
    return direct, mirrored


def collect(base_url, collection, picks, stored_fingerprint, candidates, sides):
    """{change: [(pick, served ids, [(id, score, {side: (direct, mirrored)})])]} for each change of each pick."""
    copies = {}
    for name, transform in TRANSFORMS.items():
        copies[name] = []
        for pick in picks:
            original = Image.open(io.BytesIO(fetch(f"{base_url}/v1/collections/{collection}/items/{pick}/image")))
            upload = transform(original)
            uploaded = Image.open(io.BytesIO(upload))
            queries = {side: fingerprint(uploaded, side) for side in sides}
            results = search_image(base_url, collection, upload, top_k=candidates)["results"]
            compared = [(result["id"], result["score"],
                         {side: matches(queries[side], stored_fingerprint(result["id"], side)) for side in sides})
                        for result in results]
            copies[name].append((pick, [result["id"] for result in results], compared))
        print(f"  {name}: collected", file=sys.stderr, flush=True)
    return copies


def tied(candidates, window):
    best = max(score for _, score, _ in candidates)
    return [candidate for candidate in candidates if candidate[1] >= best - window]


def first(candidates, side, weight, window, penalty):
    def combined(candidate):
        direct, mirrored = candidate[2][side]
        return candidate[1] + weight * max(direct, mirrored - penalty)

    return max(tied(candidates, window), key=combined)[0]


def reachable(copies, window):
    """For each change, how many picks have their original among the candidates within `window` of the best."""
    return [sum(bool(candidates) and pick in [c[0] for c in tied(candidates, window)]
                for pick, _, candidates in answers)
            for answers in copies.values()]


def found(copies, choose):
    return [sum(bool(candidates) and choose(served, candidates) == pick for pick, served, candidates in answers)
            for answers in copies.values()]


def line(label, counts):
    return f"| {label} | " + " | ".join(f"{' '.join(f'{n:3d}' for n in split)} (Σ {sum(split)})" for split in counts) + " |"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--collection", default="clip")
    parser.add_argument("--picks", type=int, default=100)
    parser.add_argument("--tuning-seed", type=int, default=1)
    parser.add_argument("--held-out-seed", type=int, default=20261206, help="the seed of clipart_test.py")
    parser.add_argument("--candidates", type=int, default=CANDIDATES, help="answers read per search")
    parser.add_argument("--sides", default=",".join(map(str, SIDES)), help="fingerprint sides to compare, e.g. 32,64")
    arguments = parser.parse_args()
    sides = [int(side) for side in arguments.sides.split(",")]

    cache = {}

    def stored_fingerprint(item_id, side):
        if (item_id, side) not in cache:
            data = fetch(f"{arguments.base_url}/v1/collections/{arguments.collection}/items/{item_id}/image")
            image = Image.open(io.BytesIO(data))
            for each in sides:
                cache[item_id, each] = fingerprint(image, each)
        return cache[item_id, side]

    splits = []
    for name, seed in (("tuning", arguments.tuning_seed), ("held-out", arguments.held_out_seed)):
        print(f"{name} picks (seed {seed})", file=sys.stderr, flush=True)
        picks = stored_picks(arguments.base_url, arguments.collection, arguments.picks, seed)
        splits.append(collect(arguments.base_url, arguments.collection, picks, stored_fingerprint, arguments.candidates, sides))

    print(f"Original first, of {arguments.picks} picks per change ({', '.join(TRANSFORMS)}): tuning | held-out\n")
    print("| order | tuning | held-out |\n|---|---|---|")
    print(line("served", [found(copies, lambda served, _: served[0]) for copies in splits]))
    print(line("embedding alone", [found(copies, lambda _, c: max(c, key=lambda x: x[1])[0]) for copies in splits]))
    for window in WINDOWS:
        print(line(f"original within {window} of the best (the most any order reaches)",
                   [reachable(copies, window) for copies in splits]))
    grid = {}
    for side, weight, window, penalty in itertools.product(sides, WEIGHTS, WINDOWS, PENALTIES):
        grid[side, weight, window, penalty] = [
            found(copies, lambda _, c: first(c, side, weight, window, penalty)) for copies in splits]
        print(line(f"side {side}, weight {weight}, window {window}, mirror penalty {penalty}",
                   grid[side, weight, window, penalty]))
    def merit(key):
        return sum(sorted(grid[key][0])[:2]), sum(grid[key][0])

    best = max(map(merit, grid))
    print("\nbest on the tuning picks (tied): " + "; ".join(
        f"side {side}, weight {weight}, window {window}, mirror penalty {penalty}"
        for (side, weight, window, penalty) in grid if merit((side, weight, window, penalty)) == best))


if __name__ == "__main__":
    main()
