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
  ranked by score + WEIGHT × fingerprint match, where the fingerprint is the RGB image at most
  SIDE pixels on its longer side, its shape kept (--sides; Quarry's is 64), that Pillow's bilinear
  resize makes (bit-exact with Quarry's resampler), and the match is the best normalised
  cross-correlation of the query's fingerprint with the central 100, 95, … 75 % of the stored one
  and their mirror images (less PENALTY), both resized to the smaller of the two sizes.

Stored fingerprints are made from each stored image's file, as ingestion makes them, or with
--stored-from thumbnail from its thumbnail, as a collection stored before this fingerprint
existed gets them when it opens: with the setting Quarry uses, the recomputed order is then
the served one.

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

from clipart_test import TRANSFORMS, changed_copies, fetch, on_white, search_image, stored_picks  # noqa: E402

# Pillow's bomb warning stays a warning (it refuses over 179 megapixels); a few stored drawings reach 168.
warnings.simplefilter("ignore", Image.DecompressionBombWarning)

CANDIDATES = 30  # what Quarry takes (NearTieOrdering.candidates)
SIDES = (48, 64)
CROP_FRACTIONS = (1.0, 0.95, 0.9, 0.85, 0.8, 0.75)
WEIGHTS = (0.5, 1.0, 2.0, 4.0)
WINDOWS = (0.05, 0.1, 0.2)
PENALTIES = (0.02, 0.05)


def fitted_size(width, height, side):
    """ImageResampler.fittedSize: the longer side becomes `side` (if longer), the other in proportion, rounded."""
    longest = max(width, height)
    if longest <= side:
        return width, height
    scaled = lambda length: max(1, (length * side * 2 + longest) // (2 * longest))  # noqa: E731
    return (side, scaled(height)) if width >= height else (scaled(width), side)


def fingerprint(image, side):
    return on_white(image).resize(fitted_size(image.width, image.height, side), Image.BILINEAR)


def correlation(a, b):
    a, b = a - a.mean(), b - b.mean()
    norm = numpy.sqrt((a * a).sum() * (b * b).sum())
    return float((a * b).sum() / norm) if norm > 0 else 0.0


def pixels(image, size):
    return numpy.asarray(image if image.size == size else image.resize(size, Image.BILINEAR), numpy.float64)


def matches(query, stored):
    """(best match as it is, best match mirrored) of a query fingerprint against a stored one."""
    direct, mirrored = -1.0, -1.0
    for fraction in CROP_FRACTIONS:
        width, height = max(1, int(stored.width * fraction + 0.5)), max(1, int(stored.height * fraction + 0.5))
        left, top = (stored.width - width) // 2, (stored.height - height) // 2
        region = stored.crop((left, top, left + width, top + height))
        size = query.size if query.width * query.height <= width * height else (width, height)
        squeezed, part = pixels(query, size), pixels(region, size)
        direct = max(direct, correlation(squeezed, part))
        mirrored = max(mirrored, correlation(squeezed[:, ::-1], part))
    return direct, mirrored


def collect(base_url, collection, picks, stored_fingerprint, candidates, sides):
    """{change: [(pick, served ids, [(id, score, {side: (direct, mirrored)})])]} for each change of each pick."""
    copies = {name: [] for name in TRANSFORMS}
    for name, pick, upload in changed_copies(base_url, collection, picks):
        uploaded = Image.open(io.BytesIO(upload))
        queries = {side: fingerprint(uploaded, side) for side in sides}
        results = search_image(base_url, collection, upload, top_k=candidates)["results"]
        compared = [(result["id"], result["score"],
                     {side: matches(queries[side], stored_fingerprint(result["id"], side)) for side in sides})
                    for result in results]
        copies[name].append((pick, [result["id"] for result in results], compared))
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
    parser.add_argument("--sides", default=",".join(map(str, SIDES)), help="fingerprints' longest sides to compare, e.g. 48,64")
    parser.add_argument("--stored-from", choices=("image", "thumbnail"), default="image",
                        help="what stored fingerprints are made from (see above)")
    arguments = parser.parse_args()
    sides = [int(side) for side in arguments.sides.split(",")]

    cache = {}

    def stored_fingerprint(item_id, side):
        if (item_id, side) not in cache:
            data = fetch(f"{arguments.base_url}/v1/collections/{arguments.collection}/items/{item_id}/{arguments.stored_from}")
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
