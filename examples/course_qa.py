#!/usr/bin/env python3
"""The tutorial's test report, through the Python client: ten questions about the sample course
(courses/sample/questions.jsonl), the top results of each, the accuracy, and how it changes with
top_k. A question counts as answered at k when one of its first k passages contains its answer.

    pip install ./clients/python
    python examples/course_qa.py --base-url http://127.0.0.1:8080 [--collection course] [--count 10]

The collection must hold courses/sample/markdown (`quarry ingest --collection course courses/sample/markdown`).
"""
import argparse
import json
from pathlib import Path

from quarry_client import QuarryClient

ROOT = Path(__file__).resolve().parent.parent
TOP_KS = (1, 3, 5, 10)


def squeeze(text):
    return "".join(text.split())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", default="http://127.0.0.1:8080")
    parser.add_argument("--collection", default="course")
    parser.add_argument("--questions", default=str(ROOT / "courses/sample/questions.jsonl"))
    parser.add_argument("--count", type=int, default=10)
    arguments = parser.parse_args()
    with open(arguments.questions, encoding="utf-8") as file:
        questions = [json.loads(line) for line in file if line.strip()][:arguments.count]

    with QuarryClient(arguments.base_url) as quarry:
        answers = quarry.search_batch(arguments.collection, [q["question"] for q in questions], top_k=max(TOP_KS))
    ranks = []
    for question, results in zip(questions, answers):
        rank = next((r.rank for r in results if squeeze(question["answer_span"]) in squeeze(r.text)), None)
        ranks.append(rank)
        print("\nQ%s %s" % (question["id"], question["question"]))
        print("   answer found at rank %s" % (rank if rank else "— (not in the top %d)" % max(TOP_KS)))
        for result in results[:3]:
            print("   %d. %.3f  %s · %s  %s" % (result.rank, result.score, result.source, result.chapter,
                                                result.text.replace("\n", " ")[:60]))
    print("\naccuracy over %d questions, by top_k:" % len(questions))
    print("   top_k  answered")
    for k in TOP_KS:
        answered = sum(1 for rank in ranks if rank is not None and rank <= k)
        print("   Hit@%-3d %d/%d (%.0f%%)" % (k, answered, len(questions), 100.0 * answered / len(questions)))
    mrr = sum(1.0 / rank for rank in ranks if rank) / len(questions)
    print("   MRR@%d  %.3f" % (max(TOP_KS), mrr))


if __name__ == "__main__":
    main()
