"""Image search on a real third-party collection: Debian's Open Clip Art Library
(openclipart-png, public domain), thousands of colour PNGs with transparency (RGBA, palette with
tRNS, gray + alpha) in nested category folders, with symbolic links between them and a few
files of 100 to 620 megapixels. Run after `quarry ingest-images --report`.

* Ingestion: every file under the folder that Pillow can open is stored, unchanged, or reported
  as a duplicate of a stored file (a symbolic link to it); none failed, and every file Pillow
  cannot open is reported as failed.
* Robustness: for 100 stored images picked at random (fixed seed) among those of at most 4
  megapixels (what a user uploads), a mirrored copy, an 85 % centre crop, a half-size copy, a
  JPEG (quality 70) flattened onto white and a 0.8-brightness copy, searched with
  POST /v1/collections/{name}/search/image, must find the original at rank 1 at least 97 times
  in 100 for each change.

Prints one line per check and a closing "N passed, N failed"; exits 1 on a failure.
"""

import argparse
import io
import json
import os
import random
import warnings

from PIL import Image, ImageEnhance, ImageOps

from image_quality_test import centre_crop, fetch, finish, png, search_image


def on_white(image):
    rgba = image.convert("RGBA")
    return Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba).convert("RGB")


def jpeg(image, quality):
    buffer = io.BytesIO()
    on_white(image).save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def png_of(transform):
    return lambda image: png(transform(image))


TRANSFORMS = {
    "mirror": png_of(ImageOps.mirror),
    "85% centre crop": png_of(lambda image: centre_crop(image, 0.85)),
    "half size": png_of(lambda image: image.resize((max(1, image.width // 2), max(1, image.height // 2)), Image.LANCZOS)),
    "JPEG q70 on white": lambda image: jpeg(image, 70),
    "brightness 0.8": png_of(lambda image: ImageEnhance.Brightness(image.convert("RGBA")).enhance(0.8)),
}


def ingestion(folder, report_path):
    with open(report_path) as file:
        records = {record["path"]: record for record in map(json.loads, file)}
    openable, unopenable = [], []
    for root, _, names in os.walk(folder, followlinks=True):
        for name in names:
            if not name.lower().endswith(".png"):
                continue
            path = os.path.relpath(os.path.join(root, name), folder)
            try:
                # Pillow's own limits stay on: it refuses images over 179 megapixels as bombs.
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                    with Image.open(os.path.join(root, name)) as image:
                        image.load()
                openable.append(path)
            except Exception:
                unopenable.append(path)
    kept = [path for path in openable if records.get(path, {}).get("status") in ("stored", "unchanged", "duplicate")]
    duplicates = sum(records[path]["status"] == "duplicate" for path in kept)
    refused = [path for path in unopenable if records.get(path, {}).get("status") == "failed"]
    missing = sorted(set(openable) - set(kept))[:5]
    return [
        (f"ingestion: {len(kept)}/{len(openable)} files Pillow opens are stored ({duplicates} as duplicates of a "
         f"linked file){'; not: ' + ', '.join(missing) if missing else ''}", len(kept) == len(openable) > 1000),
        (f"ingestion: {len(refused)}/{len(unopenable)} files Pillow cannot open are reported as failed",
         len(refused) == len(unopenable)),
    ]


def small_enough(base_url, collection, item_id):
    item = json.loads(fetch(f"{base_url}/v1/collections/{collection}/items/{item_id}"))
    return item["width"] * item["height"] <= 4_000_000


def robustness(base_url, collection, picks, minimum):
    results = []
    originals = {
        item_id: Image.open(io.BytesIO(fetch(f"{base_url}/v1/collections/{collection}/items/{item_id}/image")))
        for item_id in picks
    }
    for name, transform in TRANSFORMS.items():
        found = 0
        for item_id, original in originals.items():
            original.seek(0)
            hits = search_image(base_url, collection, transform(original.copy()))["results"]
            found += bool(hits) and hits[0]["id"] == item_id
        results.append((f"robustness, {name}: original at rank 1 for {found}/{len(picks)}", found >= minimum * len(picks)))
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--collection", default="clipart")
    parser.add_argument("--folder", required=True, help="the folder that was ingested")
    parser.add_argument("--report", required=True, help="the --report file of quarry ingest-images")
    parser.add_argument("--picks", type=int, default=100)
    arguments = parser.parse_args()

    count = json.loads(fetch(f"{arguments.base_url}/v1/collections/{arguments.collection}"))["images"]
    candidates = [item_id for item_id in range(1, count + 1) if small_enough(arguments.base_url, arguments.collection, item_id)]
    picks = random.Random(20261206).sample(candidates, arguments.picks)
    checks = ingestion(arguments.folder, arguments.report)
    checks += robustness(arguments.base_url, arguments.collection, picks, minimum=0.97)
    finish(checks)


if __name__ == "__main__":
    main()
