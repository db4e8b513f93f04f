"""Image search quality on the Fashion-MNIST test split, through a running Quarry server.

* Robustness: for 50 stored items, a horizontally flipped, a 90 % centre-cropped
  and a 0.8-brightness copy of the item's image, searched with
  POST /v1/collections/{name}/search/image, must find the original item at
  rank 1 in at least 95 % of the cases, for each kind of change.
* Tuning: the `quarry tune` report of the collection must have reached the
  target recall, and its leave-one-out same-category precision@10 with IVF at
  the tuned nprobe must be within 0.01 of exact (Flat) search.

Prints one line per check and a closing "N passed, N failed"; exits 1 on a failure.
"""

import argparse
import io
import json
import sys
import urllib.request
import uuid

from PIL import Image, ImageEnhance, ImageOps


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read()


def search_image(base_url, collection, png_bytes, top_k=1):
    boundary = uuid.uuid4().hex
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"query.png\"\r\n"
        f"Content-Type: image/png\r\n\r\n"
    ).encode() + png_bytes + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(
        f"{base_url}/v1/collections/{collection}/search/image?top_k={top_k}",
        data=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}, method="POST",
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def png(image):
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def centre_crop(image, fraction):
    width, height = image.size
    w, h = round(width * fraction), round(height * fraction)
    left, top = (width - w) // 2, (height - h) // 2
    return image.crop((left, top, left + w, top + h))


TRANSFORMS = {
    "horizontal flip": ImageOps.mirror,
    "90% centre crop": lambda image: centre_crop(image, 0.9),
    "brightness 0.8": lambda image: ImageEnhance.Brightness(image).enhance(0.8),
}


def robustness(base_url, collection, items, minimum):
    results = []
    for name, transform in TRANSFORMS.items():
        found = 0
        for item_id in items:
            original = Image.open(io.BytesIO(fetch(f"{base_url}/v1/collections/{collection}/items/{item_id}/image"))).convert("RGB")
            hits = search_image(base_url, collection, png(transform(original)))["results"]
            found += bool(hits) and hits[0]["id"] == item_id
        rate = found / len(items)
        results.append((f"robustness, {name}: original at rank 1 for {found}/{len(items)} ({rate:.0%})", rate >= minimum))
    return results


def tuning(report_path):
    with open(report_path) as file:
        report = json.load(file)
    precision = report["category_precision"]
    gap = precision["flat"] - precision["ivf"]
    return [
        (f"tuning: nprobe {report['chosen_nprobe']} reaches recall@{report['k']} >= {report['target_recall']}",
         report["chosen_nprobe"] is not None),
        (f"tuning: leave-one-out precision@{precision['k']} over {precision['queries']} items: "
         f"Flat {precision['flat']:.4f}, IVF {precision['ivf']:.4f} (nprobe {precision['nprobe']}), gap {gap:.4f} <= 0.01",
         abs(gap) <= 0.01 and precision["queries"] >= 10_000),
    ]


def finish(checks):
    """Prints each (line, passed) check and a closing count; exits 1 when one failed."""
    for line, passed in checks:
        print(("PASS " if passed else "FAIL ") + line)
    failed = sum(not passed for _, passed in checks)
    print(f"{len(checks) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--collection", default="fashion")
    parser.add_argument("--tune-report", required=True, help="report.json written by quarry tune")
    parser.add_argument("--items", type=int, default=50)
    arguments = parser.parse_args()

    count = json.loads(fetch(f"{arguments.base_url}/v1/collections/{arguments.collection}"))["images"]
    step = count // arguments.items
    items = [1 + i * step for i in range(arguments.items)]
    checks = robustness(arguments.base_url, arguments.collection, items, minimum=0.95) + tuning(arguments.tune_report)
    finish(checks)


if __name__ == "__main__":
    main()
