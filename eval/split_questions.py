#!/usr/bin/env python3
"""Splits an evaluation set once, by a fixed seed, into a tuning third and a held-out two thirds.

Each question gets "split": "tune" or "held_out", stratified by its "type" so that every
type is in both parts. Ranking decisions are made on the tuning part (and the dev set);
the held-out part is only ever reported. Run once; re-running with the same seed on the
same ids gives the same split.

    python3 eval/split_questions.py eval/easy-vecdb-questions.jsonl
"""
import json
import random
import sys

SEED = 20261205


def main(path: str) -> None:
    with open(path, encoding="utf-8") as file:
        questions = [json.loads(line) for line in file if line.strip()]
    by_type: dict[str, list[dict]] = {}
    for question in questions:
        by_type.setdefault(question.get("type", ""), []).append(question)
    generator = random.Random(SEED)
    for kind in sorted(by_type):
        members = sorted(by_type[kind], key=lambda question: question["id"])
        generator.shuffle(members)
        tuning = round(len(members) / 3)
        for position, question in enumerate(members):
            question["split"] = "tune" if position < tuning else "held_out"
    with open(path, "w", encoding="utf-8") as file:
        for question in questions:
            file.write(json.dumps(question, ensure_ascii=False) + "\n")
    counts = {split: sum(question["split"] == split for question in questions) for split in ("tune", "held_out")}
    print(f"{path}: {counts['tune']} tuning, {counts['held_out']} held out (seed {SEED})")


if __name__ == "__main__":
    main(sys.argv[1])
