"""Benchmark of the recogniser (prints figures; not a test).

    .venv/bin/python bench/understand.py [--errors] [--untuned]

- trains a recogniser on the train side of the family split (flows/nlu/corpus.py: paraphrases of one
  message stay on one side) and scores the test side: intent accuracy, precision/recall per intent,
  accuracy per slice (length band, register, has-a-place, has-a-service), kecamatan entity F1
  (the kecamatan named, or the one of a desa that lies in one kecamatan only: what the flows use)
- `--untuned`: accuracy on each untuned set (data/untuned.jsonl, data/untuned2.jsonl: messages written
  before a round of tuning and never trained or tuned on; the recogniser trained on every family is
  scored; errors are never printed, so that nobody tunes on them)
- out-of-scope: share of xSID Indonesian utterances (reminder/* and alarm/* left out: they overlap
  with berhenti/langganan) and of NusaX Javanese/Madurese sentiment sentences read as diluar_topik
- median, p95 and p99 latency per message (warm), and cold start in a fresh interpreter: import +
  build_recogniser() with the cached artefact present, and once without it (training); each as wall
  clock and as CPU time, since on a busy shared machine the wall clock mostly measures the wait for a core
"""

from __future__ import annotations

import csv
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.nlu import build_recogniser  # noqa: E402
from flows.nlu import INTENTS, LOW_CONFIDENCE, OUT_OF_SCOPE, Recogniser  # noqa: E402
from flows.nlu.corpus import UNTUNED_FILES, read_corpus, read_untuned, split, text_key  # noqa: E402
from storage import reference  # noqa: E402

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


def cold_start_seconds(cache_dir: str | None) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child): on a shared machine the CPU time is the cost itself,
    the wall time that cost plus the wait for a core."""
    code = (
        "import sys, time; t = time.perf_counter(); sys.path.insert(0, %r); from pathlib import Path;"
        "from core.nlu import build_recogniser; build_recogniser(%s); print(time.perf_counter() - t)"
    ) % (str(ROOT), f"Path({cache_dir!r})" if cache_dir else "None")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def percentiles(values: list[float]) -> str:
    values = sorted(values)
    return (f"median {statistics.median(values):.3f} ms, p95 {values[int(len(values) * 0.95)]:.3f} ms, "
            f"p99 {values[int(len(values) * 0.99)]:.3f} ms")


def length_band(text: str) -> str:
    n = len(text.split())
    return "1-3" if n <= 3 else "4-7" if n <= 7 else "8-12" if n <= 12 else "13+"


def slices(example: dict) -> list[str]:
    return [
        f"length {length_band(example['text'])}",
        f"register {example.get('register', '?')}",
        "has a place" if example.get("kecamatan") or example.get("desa") else "no place",
        "has a service" if example.get("layanan") else "no service",
        *([f"voice {example['voice']}"] if example.get("voice") else []),  # untuned2.jsonl: who wrote it
    ]


def kecamatan_read(prediction) -> str | None:
    """The kecamatan the flows get from a message: named, or the one of a desa that is in one kecamatan
    only (`desa_kecamatan`; jadwal, langganan and daftar_layanan also copy it to `kecamatan`)."""
    candidates = prediction.entities.get("desa_kecamatan") or []
    return prediction.entities.get("kecamatan") or (candidates[0] if len(candidates) == 1 else None)


def kecamatan_f1(examples, predictions) -> str:
    if not any("kecamatan" in e or "desa" in e for e in examples):
        return "not scored (this set carries no place labels)"  # an F1 against no labels would read 0.000
    tp = fp = fn = 0
    for example, prediction in zip(examples, predictions):
        want = example.get("kecamatan")
        got = kecamatan_read(prediction)
        tp += bool(want and got == want)
        fp += bool(got and got != want)
        fn += bool(want and got != want)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f"F1 {f1:.3f} (precision {precision:.3f}, recall {recall:.3f}; tp={tp} fp={fp} fn={fn})"


def score(recogniser, examples: list[dict], title: str, show_errors: bool, detail: bool = True) -> None:
    predictions = [recogniser.understand(e["text"]) for e in examples]
    gold = [e["intent"] for e in examples]
    predicted = [p.intent for p in predictions]
    correct = sum(g == p for g, p in zip(gold, predicted))
    print(f"\n== {title}: {len(examples)} messages")
    print(f"intent accuracy: {correct / len(examples):.3f} ({correct}/{len(examples)})")
    print(f"{'intent':<16}{'precision':>10}{'recall':>8}{'n':>6}")
    for intent in INTENTS:
        tp = sum(g == p == intent for g, p in zip(gold, predicted))
        n_pred, n_gold = predicted.count(intent), gold.count(intent)
        precision = f"{tp / n_pred:.3f}" if n_pred else "-"
        recall = f"{tp / n_gold:.3f}" if n_gold else "-"
        print(f"{intent:<16}{precision:>10}{recall:>8}{n_gold:>6}")
    in_scope = [(g, p) for g, p in zip(gold, predicted) if g != OUT_OF_SCOPE]
    rejected = sum(p == OUT_OF_SCOPE for _, p in in_scope)
    print(f"in-scope messages read as diluar_topik: {rejected}/{len(in_scope)}")
    off_topic = [p for g, p in zip(gold, predicted) if g == OUT_OF_SCOPE]
    if off_topic:
        accepted = sum(p != OUT_OF_SCOPE for p in off_topic)
        print(f"off-topic messages accepted as a request: {accepted / len(off_topic):.3f} ({accepted}/{len(off_topic)})")
    if detail:
        by_slice: dict[str, list[bool]] = defaultdict(list)
        for example, p in zip(examples, predicted):
            for name in slices(example):
                by_slice[name].append(example["intent"] == p)
        print("accuracy per slice:")
        for name in sorted(by_slice):
            hits = by_slice[name]
            print(f"  {name:<22}{sum(hits) / len(hits):>7.3f}  ({sum(hits)}/{len(hits)})")
        unsure_wrong = sum(1 for g, p in zip(gold, predictions) if g != p.intent and p.unsure)
        unsure_right = sum(1 for g, p in zip(gold, predictions) if g == p.intent and p.unsure)
        print(f"low confidence (< {LOW_CONFIDENCE}): {unsure_wrong}/{len(examples) - correct} wrong answers, "
              f"{unsure_right}/{correct} right answers")
        print(f"kecamatan entity: {kecamatan_f1(examples, predictions)}")
    if show_errors:
        print("errors:")
        for example, prediction in zip(examples, predictions):
            if example["intent"] != prediction.intent:
                print(f"  {example['intent']:>14} -> {prediction.intent:<14} {prediction.confidence:.2f} "
                      f"{example['text']!r} {prediction.entities}")


def train_side_recogniser(train: list[dict]) -> Recogniser:
    return Recogniser.from_reference(reference.kecamatan(), reference.desa(), reference.layanan(), reference.opd(),
                                     examples=train)


def main() -> None:
    show_errors = "--errors" in sys.argv
    corpus = read_corpus()
    train, test = split(corpus)
    print(f"corpus: {len(corpus)} examples in {len({e['family'] for e in corpus})} families; "
          f"train {len(train)}, test {len(test)} (whole families)")
    recogniser = train_side_recogniser(train)
    score(recogniser, test, "family-split test (never trained on)", show_errors)

    if "--untuned" in sys.argv:
        seen = {text_key(e["text"]) for e in corpus}
        full = build_recogniser()
        for path in UNTUNED_FILES:
            untuned = [e for e in read_untuned(path) if text_key(e["text"]) not in seen]
            skipped = len(read_untuned(path)) - len(untuned)
            score(full, untuned, f"{path.name} (never trained or tuned on; {skipped} messages "
                  "also in the corpus left out; trained on every family)", show_errors=False)
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
    timings, cpu = [], []
    for message in messages:
        start, start_cpu = time.perf_counter(), time.thread_time()
        recogniser.understand(message)
        cpu.append((time.thread_time() - start_cpu) * 1000)
        timings.append((time.perf_counter() - start) * 1000)
    print(f"latency per message: {percentiles(timings)} ({len(messages)} messages, warm, wall clock)")
    print(f"  CPU time per message: {percentiles(cpu)} (the cost without the wait for a core; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    with tempfile.TemporaryDirectory() as cache:
        untrained, untrained_cpu = cold_start_seconds(cache)  # builds the artefact into `cache`
        runs = [cold_start_seconds(cache) for _ in range(3)]
    cached, cached_cpu = statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)
    print(f"cold start (fresh interpreter, import + build_recogniser): {cached:.3f} s with the cached artefact "
          f"(median of 3; CPU {cached_cpu:.3f} s), {untrained:.3f} s training without it (CPU {untrained_cpu:.3f} s)")

    if show_errors:
        print("\nxSID accepted:")
        for text, intent, result in xsid_results:
            if result.intent != OUT_OF_SCOPE:
                print(f"  {intent:<22} -> {result.intent:<14} {result.confidence:.2f} {text!r}")


if __name__ == "__main__":
    main()
