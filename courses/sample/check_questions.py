#!/usr/bin/env python3
"""Check the sample course's evaluation questions (standard library only).

    python3 check_questions.py [questions.jsonl] [--root markdown/]

For every line of the JSON Lines file it verifies that
  * the fields are those of eval/course-qa-dev.jsonl (vendored at the repository root), with the right types,
    and ids are unique;
  * `file`, every `alt_files` and `distractor_files` entry exist under the root;
  * `answer_span` occurs in `file` exactly once (so its location is unambiguous)
    and not inside a fenced code block;
  * `heading` is a Markdown heading of `file` and is the nearest heading above
    the answer span.
Exits with status 1 and lists the problems if any check fails.
"""

import argparse
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIELDS = {
    "id": str, "question": str, "lang": str, "file": str, "heading": str,
    "answer_span": str, "type": str, "alt_files": list, "distractor_files": list,
}
HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
FENCE_RE = re.compile(r"^(```|~~~)")


def headings_and_fences(text):
    """[(offset, heading text)] and [(start, end)] of fenced code blocks."""
    heads, fences = [], []
    offset, fence_start = 0, None
    for line in text.splitlines(keepends=True):
        if FENCE_RE.match(line):
            if fence_start is None:
                fence_start = offset
            else:
                fences.append((fence_start, offset + len(line)))
                fence_start = None
        elif fence_start is None:
            m = HEADING_RE.match(line.rstrip("\n"))
            if m:
                heads.append((offset, m.group(2)))
        offset += len(line)
    return heads, fences


def main():
    ap = argparse.ArgumentParser(description="check evaluation questions against the course")
    ap.add_argument("questions", nargs="?", default=str(HERE / "questions.jsonl"))
    ap.add_argument("--root", default=str(HERE / "markdown"), help="folder the `file` paths are relative to")
    args = ap.parse_args()
    root = Path(args.root)
    problems, seen, n = [], set(), 0
    cache = {}

    for lineno, line in enumerate(Path(args.questions).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        n += 1
        where = f"line {lineno}"
        try:
            q = json.loads(line)
        except json.JSONDecodeError as e:
            problems.append(f"{where}: invalid JSON: {e}")
            continue
        where = f"line {lineno} ({q.get('id', '?')})"
        if set(q) != set(FIELDS):
            problems.append(f"{where}: fields {sorted(q)} != {sorted(FIELDS)}")
            continue
        bad = [k for k, t in FIELDS.items() if not isinstance(q[k], t)]
        if bad:
            problems.append(f"{where}: wrong type for {bad}")
            continue
        if q["id"] in seen:
            problems.append(f"{where}: duplicate id")
        seen.add(q["id"])
        if q["lang"] not in ("zh", "en"):
            problems.append(f"{where}: lang must be zh or en")
        if not q["question"].strip() or not q["answer_span"].strip():
            problems.append(f"{where}: empty question or answer_span")
        for extra in q["alt_files"] + q["distractor_files"]:
            if not (root / extra).is_file():
                problems.append(f"{where}: listed file {extra!r} does not exist")
            if extra == q["file"]:
                problems.append(f"{where}: {extra!r} repeats `file`")
        path = root / q["file"]
        if not path.is_file():
            problems.append(f"{where}: file {q['file']!r} does not exist under {root}")
            continue
        if path not in cache:
            text = path.read_text(encoding="utf-8")
            cache[path] = (text, *headings_and_fences(text))
        text, heads, fences = cache[path]
        count = text.count(q["answer_span"])
        if count == 0:
            problems.append(f"{where}: answer_span not found in {q['file']}")
            continue
        if count > 1:
            problems.append(f"{where}: answer_span occurs {count} times in {q['file']} (ambiguous)")
        pos = text.index(q["answer_span"])
        if any(s <= pos < e for s, e in fences):
            problems.append(f"{where}: answer_span lies inside a fenced code block")
        if q["heading"] not in [h for _, h in heads]:
            problems.append(f"{where}: heading {q['heading']!r} is not a heading of {q['file']}")
            continue
        above = [h for off, h in heads if off <= pos]
        if not above or above[-1] != q["heading"]:
            nearest = above[-1] if above else None
            problems.append(f"{where}: heading {q['heading']!r} is not the nearest above the span "
                            f"(that is {nearest!r})")

    for p in problems:
        print("FAIL", p)
    print(f"{n} questions, {len(problems)} problem(s)")
    return 1 if problems or n == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
