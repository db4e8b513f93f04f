#!/usr/bin/env python3
"""Keyword engines side by side, on the same terms: quality on the course questions, and
latency at course scale and on a larger recombined corpus.

Every engine indexes the terms Quarry's keyword index holds (``KeywordTerms``, ported here:
Latin words, and every CJK character and bigram of a passage's indexed text, read from a
Quarry store) and is asked with the terms Quarry asks with (words, CJK bigrams, a lone CJK
character as itself), OR-ed,
ranked by BM25 with k1 = 1.2 and b = 0.75, top 50:

* fts5       SQLite FTS5 as Quarry uses it: one `terms` column, `ORDER BY bm25() LIMIT 50`,
             which scores every row matching any term.
* fts5-rare  the same index, asked only with the question's terms that occur in at most
             `--common-fraction` of the passages (at least its rarest term): very common
             bigrams and characters add little to BM25 but most of the matching rows.
* xapian     Xapian 1.4 (Debian's python3-xapian), BM25Weight(1.2, 0, 1, 0.75, 0.5), OP_OR,
             get_mset(0, 50): its matcher skips documents that cannot reach the top 50.

Quality (course scale only): a result is a hit when it is a passage of the question's file
(or an alternative file) whose span overlaps the answer, as in `quarry eval` but per passage,
before Quarry merges neighbouring passages and fuses with the vector ranking. Hit@5 and
MRR@10 are reported per split of the own questions, and for the dev set.

Latency: every question once to warm up, then `--passes` passes over all of them, one
thread; p50/p95/p99 in milliseconds of the engine call (query building included).

The larger corpus (`--passages N`) is made of the course's own sentences recombined: each
passage is sentences drawn at random (seeded) until it holds about as many characters as a
course passage drawn at random, so term statistics stay those of real course text.

    /usr/bin/python3 benchmarks/keyword/keyword_engines.py --store STORE.sqlite \
        --corpus courses/easy-vecdb --questions eval/easy-vecdb-questions.jsonl \
        --dev eval/course-qa-dev.jsonl --work DIR [--passages 200000] [--passes 3]
"""
import argparse
import json
import os
import random
import re
import sqlite3
import statistics
import sys
import time
import unicodedata
from pathlib import Path

import xapian

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "eval"))
from fusion_study import is_hit, load as load_questions  # noqa: E402  (the hit rule of the fusion study)

DEPTH = 50
K1, B = 1.2, 0.75
CJK_RANGES = (
    (0x1100, 0x11FF), (0x2E80, 0x2FDF), (0x3000, 0x303F), (0x3040, 0x30FF), (0x3100, 0x31FF),
    (0x3200, 0x4DBF), (0x4E00, 0x9FFF), (0xA960, 0xA97F), (0xAC00, 0xD7FF), (0xF900, 0xFAFF),
    (0xFE30, 0xFE4F), (0xFF00, 0xFFEF), (0x20000, 0x3FFFF),
)


def is_cjk(character: str) -> bool:
    code = ord(character)
    return any(low <= code <= high for low, high in CJK_RANGES)


def runs(text: str) -> list[tuple[str, bool]]:
    """Maximal runs of CJK characters and of other letters and digits (KeywordTerms.runs)."""
    found, current, current_cjk = [], "", False
    for character in text:
        if current and unicodedata.category(character).startswith("M"):
            current += character  # a combining mark belongs to the character before it, as in Swift
            continue
        word = character.isalpha() or character.isnumeric()
        cjk = word and is_cjk(character)
        if not word or (current and cjk != current_cjk):
            if current:
                found.append((current, current_cjk))
            current = ""
        if word:
            current += character
            current_cjk = cjk
    if current:
        found.append((current, current_cjk))
    return found


def terms(text: str, characters: bool) -> list[str]:
    """KeywordTerms.documentTerms (characters=True) and .queryTerms (characters=False)."""
    found = []
    for run, cjk in runs(text):
        if not cjk:
            found.append(run.lower())
            continue
        if characters or len(run) == 1:
            found += list(run)
        found += [run[i:i + 2] for i in range(len(run) - 1)]
    return found


def query_terms(text: str) -> list[str]:
    return list(dict.fromkeys(terms(text, characters=False)))


# ---- corpora -------------------------------------------------------------------------------


def course_passages(store: Path) -> list[dict]:
    with sqlite3.connect(store) as db:
        rows = db.execute(
            """SELECT p.id, d.source, p.span_start, p.span_end, p.indexed_text
               FROM passages p JOIN documents d ON d.id = p.document_id ORDER BY p.id""").fetchall()
    return [{"id": id, "source": source, "span": None if start is None else {"start": start, "end": end},
             "terms": " ".join(terms(text, characters=True)), "text": text}
            for id, source, start, end, text in rows]


def recombined(passages: list[dict], count: int, seed: int) -> list[str]:
    """`count` passages of the course's sentences drawn at random, as space-separated terms."""
    sentences = [s for p in passages for s in re.split(r"(?<=[。！？!?\n])", p["text"]) if s.strip()]
    lengths = [len(p["text"]) for p in passages]
    generator = random.Random(seed)
    made = []
    for _ in range(count):
        wanted, text = generator.choice(lengths), ""
        while len(text) < wanted:
            text += generator.choice(sentences)
        made.append(" ".join(terms(text, characters=True)))
    return made


# ---- engines -------------------------------------------------------------------------------


class FTS5:
    name = "fts5"

    def __init__(self, path: Path, documents: list[tuple[int, str]]):
        fresh = not path.exists()
        self.db = sqlite3.connect(path)
        if fresh:
            self.db.execute("CREATE VIRTUAL TABLE passages_fts USING fts5(terms, tokenize = 'unicode61 remove_diacritics 0')")
            self.db.executemany("INSERT INTO passages_fts (rowid, terms) VALUES (?, ?)", documents)
            self.db.execute("INSERT INTO passages_fts (passages_fts) VALUES ('optimize')")
            self.db.commit()
        self.db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab USING fts5vocab(main, passages_fts, row)")
        self.count = self.db.execute("SELECT count(*) FROM passages_fts").fetchone()[0]

    def search(self, question: str) -> list[int]:
        chosen = self.chosen_terms(query_terms(question))
        if not chosen:
            return []
        match = " OR ".join('"' + term.replace('"', '""') + '"' for term in chosen)
        return [row[0] for row in self.db.execute(
            "SELECT rowid FROM passages_fts WHERE passages_fts MATCH ? ORDER BY bm25(passages_fts) LIMIT ?", (match, DEPTH))]

    def chosen_terms(self, asked: list[str]) -> list[str]:
        return asked


class FTS5Rare(FTS5):
    name = "fts5-rare"

    def __init__(self, path: Path, documents: list[tuple[int, str]], common_fraction: float):
        super().__init__(path, documents)
        self.limit = common_fraction * self.count

    def chosen_terms(self, asked: list[str]) -> list[str]:
        if not asked:
            return []
        marks = ",".join("?" * len(asked))
        frequency = dict(self.db.execute(f"SELECT term, doc FROM temp.vocab WHERE term IN ({marks})", asked).fetchall())
        known = [term for term in asked if term in frequency]
        rare = [term for term in known if frequency[term] <= self.limit]
        return rare or sorted(known, key=lambda term: frequency[term])[:1]


class Xapian:
    name = "xapian"

    def __init__(self, path: Path, documents: list[tuple[int, str]]):
        if not path.exists():
            writable = xapian.WritableDatabase(str(path), xapian.DB_CREATE_OR_OVERWRITE)
            for id, terms_text in documents:
                document = xapian.Document()
                for term in terms_text.split():
                    if len(term.encode()) < 240:
                        document.add_term(term)
                writable.replace_document(id, document)
            writable.commit()
            writable.close()
        self.db = xapian.Database(str(path))
        self.enquire = xapian.Enquire(self.db)
        self.enquire.set_weighting_scheme(xapian.BM25Weight(K1, 0, 1, B, 0.5))

    def search(self, question: str) -> list[int]:
        asked = [term for term in query_terms(question) if len(term.encode()) < 240]
        if not asked:
            return []
        self.enquire.set_query(xapian.Query(xapian.Query.OP_OR, asked))
        return [match.docid for match in self.enquire.get_mset(0, DEPTH)]


# ---- measurement ---------------------------------------------------------------------------


def quality(engine, questions: list[dict], passages: dict[int, dict]) -> tuple[float, float]:
    hits, reciprocal = 0, 0.0
    for question in questions:
        ranked = engine.search(question["question"])[:10]
        rank = next((position for position, id in enumerate(ranked, 1) if is_hit(passages[id], question["answers"])), None)
        hits += rank is not None and rank <= 5
        reciprocal += 1 / rank if rank else 0
    return hits / len(questions), reciprocal / len(questions)


def latency(engine, questions: list[str], passes: int) -> tuple[float, float, float]:
    for question in questions:
        engine.search(question)
    times = []
    for _ in range(passes):
        for question in questions:
            start = time.perf_counter()
            engine.search(question)
            times.append((time.perf_counter() - start) * 1000)
    cuts = statistics.quantiles(times, n=100)
    return statistics.median(times), cuts[94], cuts[98]


def engines(folder: Path, documents: list[tuple[int, str]], common_fraction: float) -> list:
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for make in (lambda: FTS5(folder / "fts5.sqlite", documents),
                 lambda: FTS5Rare(folder / "fts5.sqlite", documents, common_fraction),
                 lambda: Xapian(folder / "xapian", documents)):
        start = time.perf_counter()
        engine = make()
        made.append((engine, time.perf_counter() - start))
    return made


def size_mb(path: Path) -> float:
    if path.is_dir():
        return sum(f.stat().st_size for f in path.iterdir()) / 1e6
    return path.stat().st_size / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", required=True, type=Path, help="store.sqlite of a Quarry collection of the course")
    parser.add_argument("--corpus", required=True, type=Path)
    parser.add_argument("--questions", required=True)
    parser.add_argument("--dev")
    parser.add_argument("--work", required=True, type=Path, help="folder for the engines' indexes (kept between runs)")
    parser.add_argument("--passages", type=int, default=0, help="also measure latency on this many recombined passages")
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--common-fraction", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=20261207)
    arguments = parser.parse_args()

    passages = course_passages(arguments.store)
    by_id = {p["id"]: p for p in passages}
    own = load_questions(arguments.questions, arguments.corpus)
    groups = {f"own, {split}": [q for q in own if q.get("split") == split] for split in ("tune", "held_out")}
    if arguments.dev:
        groups["dev"] = load_questions(arguments.dev, arguments.corpus)
    asked = [q["question"] for group in groups.values() for q in group]

    print(f"# Keyword engines ({len(passages)} course passages, {len(asked)} questions, top {DEPTH}, "
          f"fts5-rare drops terms in more than {arguments.common_fraction:.0%} of passages)\n")
    print("| engine | " + " | ".join(f"{name} Hit@5 / MRR@10" for name in groups) + " |")
    print("|---|" + "---|" * len(groups))
    course = engines(arguments.work / "course", [(p["id"], p["terms"]) for p in passages], arguments.common_fraction)
    for engine, _ in course:
        cells = [" / ".join(f"{value:.3f}" for value in quality(engine, group, by_id)) for group in groups.values()]
        print(f"| {engine.name} | " + " | ".join(cells) + " |")

    scales = [("course", len(passages), course, arguments.work / "course")]
    if arguments.passages:
        folder = arguments.work / f"recombined-{arguments.passages}-{arguments.seed}"
        documents = [] if folder.exists() else list(enumerate(recombined(passages, arguments.passages, arguments.seed), 1))
        scales.append(("recombined", arguments.passages, engines(folder, documents, arguments.common_fraction), folder))
    print(f"\n| corpus | passages | engine | open or build s | index MB | p50 ms | p95 ms | p99 ms |")
    print("|---|---:|---|---:|---:|---:|---:|---:|")
    for corpus, count, built, folder in scales:
        for engine, seconds in built:
            path = folder / ("xapian" if engine.name == "xapian" else "fts5.sqlite")
            p50, p95, p99 = latency(engine, asked, arguments.passes)
            print(f"| {corpus} | {count:,} | {engine.name} | {seconds:.1f} | {size_mb(path):.0f} | {p50:.2f} | {p95:.2f} | {p99:.2f} |",
                  flush=True)


if __name__ == "__main__":
    main()
