#!/usr/bin/env python3
"""Chooses how Quarry fuses its vector and keyword rankings, on the tuning split only.

Asks a running Quarry server for each question's vector and keyword rankings (50 deep),
then scores fusion methods offline: reciprocal rank fusion over a grid of k, list weights
and candidate depths, and a convex combination of min-max normalised scores. The grid is
ranked by MRR@10 (then Hit@5) on the questions whose "split" is "tune" plus the dev set;
the held-out split is printed for the chosen setting and the current default only.

    python3 eval/fusion_study.py --url http://127.0.0.1:8080 --collection easy-vecdb \
        --corpus courses/easy-vecdb --questions eval/easy-vecdb-questions.jsonl \
        --dev eval/course-qa-dev.jsonl
"""
import argparse
import json
import urllib.request
from pathlib import Path

DEPTH = 50


def search(url: str, collection: str, query: str, mode: str) -> list[dict]:
    body = json.dumps({"query": query, "top_k": DEPTH, "mode": mode}).encode()
    request = urllib.request.Request(f"{url}/v1/collections/{collection}/search", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.load(response)["results"]


def occurrences(text: str, needle: str) -> list[range]:
    found, start = [], text.find(needle)
    while start >= 0:
        found.append(range(start, start + len(needle)))
        start = text.find(needle, start + 1)
    return found


def load(path: str, corpus: Path) -> list[dict]:
    questions = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    for question in questions:
        files = {question["file"]: occurrences((corpus / question["file"]).read_text(encoding="utf-8"), question["answer_span"])}
        for alternative in question.get("alt_files", []):
            files[alternative] = occurrences((corpus / alternative).read_text(encoding="utf-8"), question["answer_span"])
        question["answers"] = files
    return questions


def is_hit(result: dict, answers: dict[str, list[range]]) -> bool:
    spans = answers.get(result["source"])
    if spans is None:
        return False
    if not spans:
        return True
    span = result.get("span")
    return span is not None and any(span["start"] < answer.stop and answer.start < span["end"] for answer in spans)


def rrf(vector: list[dict], keyword: list[dict], k: float, vector_weight: float, depth: int) -> list[dict]:
    scores: dict[int, float] = {}
    results: dict[int, dict] = {}
    for ranking, weight in ((vector, vector_weight), (keyword, 1 - vector_weight)):
        for rank, result in enumerate(ranking[:depth], start=1):
            scores[result["id"]] = scores.get(result["id"], 0) + weight / (k + rank)
            results[result["id"]] = result
    return [results[id] for id in sorted(scores, key=lambda id: (-scores[id], id))]


def convex(vector: list[dict], keyword: list[dict], alpha: float, depth: int) -> list[dict]:
    def normalised(ranking: list[dict]) -> dict[int, float]:
        if not ranking:
            return {}
        best, worst = ranking[0]["score"], ranking[min(depth, len(ranking)) - 1]["score"]
        # Scores run best first (larger for cosine and BM25); a list of equal scores is all best.
        return {result["id"]: (result["score"] - worst) / (best - worst) if best != worst else 1.0 for result in ranking[:depth]}

    vector_scores, keyword_scores = normalised(vector), normalised(keyword)
    results = {result["id"]: result for result in vector[:depth] + keyword[:depth]}
    fused = {id: alpha * vector_scores.get(id, 0) + (1 - alpha) * keyword_scores.get(id, 0) for id in results}
    return [results[id] for id in sorted(fused, key=lambda id: (-fused[id], id))]


def measure(questions: list[dict], fuse) -> tuple[float, float]:
    hits, reciprocal = 0, 0.0
    for question in questions:
        ranked = fuse(question["vector"], question["keyword"])
        rank = next((position for position, result in enumerate(ranked[:10], start=1) if is_hit(result, question["answers"])), None)
        hits += rank is not None and rank <= 5
        reciprocal += 1 / rank if rank else 0
    return hits / len(questions), reciprocal / len(questions)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8080")
    parser.add_argument("--collection", required=True)
    parser.add_argument("--corpus", required=True, type=Path)
    parser.add_argument("--questions", required=True)
    parser.add_argument("--dev")
    arguments = parser.parse_args()
    own = load(arguments.questions, arguments.corpus)
    dev = load(arguments.dev, arguments.corpus) if arguments.dev else []
    for question in own + dev:
        for mode in ("vector", "keyword"):
            question[mode] = search(arguments.url, arguments.collection, question["question"], mode)
    tuning = [question for question in own if question.get("split") == "tune"] + dev
    held_out = [question for question in own if question.get("split") == "held_out"]

    candidates = {}
    for depth in (20, 40, 50):
        for k in (1, 5, 10, 20, 30, 60, 100):
            for weight in (0.3, 0.4, 0.5, 0.6, 0.7):
                candidates[f"rrf k={k} w_vector={weight} depth={depth}"] = (
                    lambda v, kw, k=k, weight=weight, depth=depth: rrf(v, kw, k, weight, depth))
        for alpha in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
            candidates[f"convex alpha={alpha} depth={depth}"] = lambda v, kw, alpha=alpha, depth=depth: convex(v, kw, alpha, depth)
    candidates["vector only"] = lambda v, kw: v
    candidates["keyword only"] = lambda v, kw: kw
    scored = sorted(((measure(tuning, fuse), name) for name, fuse in candidates.items()), key=lambda item: (-item[0][1], -item[0][0]))
    print(f"tuning questions: {len(tuning)} ({len(tuning) - len(dev)} own + {len(dev)} dev); held out: {len(held_out)}")
    print("| fusion | tuning Hit@5 | tuning MRR@10 |")
    print("|---|---|---|")
    for (hit, mrr), name in scored[:15]:
        print(f"| {name} | {hit:.3f} | {mrr:.3f} |")
    default = "rrf k=60 w_vector=0.5 depth=40"
    for name in (scored[0][1], default):
        hit, mrr = measure(held_out, candidates[name])
        print(f"held out, {name}: Hit@5 {hit:.3f} MRR@10 {mrr:.3f}")


if __name__ == "__main__":
    main()
