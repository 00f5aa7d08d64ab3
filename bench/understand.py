"""Benchmark of the recogniser (prints figures; not a test).

    .venv/bin/python bench/understand.py [--errors]

- intent accuracy and per-intent precision/recall on flows/nlu/data/test.jsonl (never trained on)
  and accuracy on holdout.jsonl (written after tuning), with kecamatan entity F1 on both
- out-of-scope: share of xSID Indonesian utterances (reminder/* and alarm/* left out: they overlap
  with berhenti/langganan) and of NusaX Javanese/Madurese sentiment sentences classified diluar_topik
- median and p95 latency per message, and cold start (import + build, in a fresh interpreter)
"""

from __future__ import annotations

import csv
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.nlu import build_recogniser  # noqa: E402
from flows.nlu import INTENTS, LOW_CONFIDENCE, OUT_OF_SCOPE  # noqa: E402
from flows.nlu.resources import read_examples  # noqa: E402

DATA = ROOT / "bench" / "data"
XSID_SKIPPED = ("reminder/", "alarm/")


def xsid_utterances() -> list[tuple[str, str]]:
    out = []
    for name in ("id.test.conll", "id.valid.conll"):
        text = intent = None
        for line in (DATA / "xsid" / name).read_text(encoding="utf-8").splitlines():
            if line.startswith("# text = "):
                text = line[len("# text = "):]
            elif line.startswith("# intent = "):
                intent = line[len("# intent = "):]
            elif not line.strip() and text:
                if not intent.startswith(XSID_SKIPPED):
                    out.append((text, intent))
                text = intent = None
        if text and not intent.startswith(XSID_SKIPPED):
            out.append((text, intent))
    return out


def nusax_sentences(language: str) -> list[str]:
    with (DATA / "nusax" / f"senti_{language}_test.csv").open(encoding="utf-8", newline="") as f:
        return [row["text"] for row in csv.DictReader(f)]


def cold_start_seconds() -> float:
    code = (
        "import sys, time; t = time.perf_counter(); sys.path.insert(0, %r);"
        "from bot.nlu import build_recogniser; build_recogniser(); print(time.perf_counter() - t)"
    ) % str(ROOT)
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout) for _ in range(3)]
    return statistics.median(runs)


def kecamatan_f1(examples, predictions) -> str:
    tp = fp = fn = 0
    for example, prediction in zip(examples, predictions):
        want = example.get("entities", {}).get("kecamatan")
        got = prediction.entities.get("kecamatan")
        tp += bool(want and got == want)
        fp += bool(got and got != want)
        fn += bool(want and got != want)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f"F1 {f1:.3f} (precision {precision:.3f}, recall {recall:.3f}; tp={tp} fp={fp} fn={fn})"


def score_split(recogniser, name: str, per_intent: bool, show_errors: bool) -> list[str]:
    examples = read_examples(name)
    predictions = [recogniser.understand(e["text"]) for e in examples]
    gold = [e["intent"] for e in examples]
    predicted = [p.intent for p in predictions]
    correct = sum(g == p for g, p in zip(gold, predicted))
    print(f"\n== {name}: {len(examples)} messages")
    print(f"intent accuracy: {correct / len(examples):.3f} ({correct}/{len(examples)})")
    if per_intent:
        print(f"{'intent':<16}{'precision':>10}{'recall':>8}{'n':>5}")
        for intent in INTENTS:
            tp = sum(g == p == intent for g, p in zip(gold, predicted))
            n_pred, n_gold = predicted.count(intent), gold.count(intent)
            precision = tp / n_pred if n_pred else float("nan")
            recall = tp / n_gold if n_gold else float("nan")
            print(f"{intent:<16}{precision:>10.3f}{recall:>8.3f}{n_gold:>5}")
    unsure_wrong = sum(1 for g, p in zip(gold, predictions) if g != p.intent and p.unsure)
    unsure_right = sum(1 for g, p in zip(gold, predictions) if g == p.intent and p.unsure)
    print(f"low confidence (< {LOW_CONFIDENCE}): {unsure_wrong}/{len(examples) - correct} wrong answers, "
          f"{unsure_right}/{correct} right answers")
    print(f"kecamatan entity: {kecamatan_f1(examples, predictions)}")
    errors = []
    for example, prediction in zip(examples, predictions):
        if example["intent"] != prediction.intent or example.get("entities", {}).get("kecamatan") != prediction.entities.get("kecamatan"):
            errors.append(f"  {example['intent']:>14} -> {prediction.intent:<14} {prediction.confidence:.2f} "
                          f"{example['text']!r} {prediction.entities}")
    if show_errors and errors:
        print("errors:")
        print("\n".join(errors))
    return errors


def main() -> None:
    show_errors = "--errors" in sys.argv
    recogniser = build_recogniser()
    test = read_examples("test.jsonl")
    score_split(recogniser, "test.jsonl", per_intent=True, show_errors=show_errors)
    score_split(recogniser, "holdout.jsonl", per_intent=False, show_errors=show_errors)
    print()

    xsid = xsid_utterances()
    xsid_results = [(text, intent, recogniser.understand(text)) for text, intent in xsid]
    rejected = sum(r.intent == OUT_OF_SCOPE for _, _, r in xsid_results)
    print(f"xSID id (no reminder/alarm): diluar_topik {rejected / len(xsid):.3f} ({rejected}/{len(xsid)}); "
          f"false accepts {1 - rejected / len(xsid):.3f}")
    by_intent = Counter(r.intent for _, _, r in xsid_results if r.intent != OUT_OF_SCOPE)
    if by_intent:
        print(f"  accepted as: {dict(by_intent)}")
    for language in ("javanese", "madurese"):
        sentences = nusax_sentences(language)
        rejected_n = sum(recogniser.understand(s).intent == OUT_OF_SCOPE for s in sentences)
        print(f"NusaX {language} sentiment test: diluar_topik {rejected_n / len(sentences):.3f} ({rejected_n}/{len(sentences)})")

    messages = [e["text"] for e in test] + [t for t, _ in xsid]
    timings = []
    for message in messages:
        start = time.perf_counter()
        recogniser.understand(message)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    print(f"latency per message: median {statistics.median(timings):.3f} ms, p95 {timings[int(len(timings) * 0.95)]:.3f} ms "
          f"({len(messages)} messages, warm)")
    print(f"cold start (import + build, fresh interpreter, median of 3): {cold_start_seconds():.3f} s")

    if show_errors:
        print("\nxSID accepted:")
        for text, intent, result in xsid_results:
            if result.intent != OUT_OF_SCOPE:
                print(f"  {intent:<22} -> {result.intent:<14} {result.confidence:.2f} {text!r}")


if __name__ == "__main__":
    main()
