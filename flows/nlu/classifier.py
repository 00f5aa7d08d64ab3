"""A small multinomial naive Bayes over binary features, in plain Python.

Trains in milliseconds on a few hundred examples, so the recogniser learns at construction
from data/train.jsonl instead of shipping weights. Scores are scaled by the number of features
before the softmax: naive Bayes multiplies many dependent features and would otherwise claim
near-certainty for almost every message.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict


class NaiveBayes:
    def __init__(self, alpha: float = 0.3, temperature: float = 1.0) -> None:
        self.alpha = alpha
        self.temperature = temperature
        self.classes: list[str] = []
        self._log_prior: dict[str, float] = {}
        self._log_likelihood: dict[str, dict[str, float]] = {}
        self._log_unseen: dict[str, float] = {}
        self.vocabulary: set[str] = set()

    def fit(self, documents: list[list[str]], labels: list[str]) -> NaiveBayes:
        self.classes = sorted(set(labels))
        counts: dict[str, Counter] = defaultdict(Counter)
        for features, label in zip(documents, labels):
            counts[label].update(set(features))
        self.vocabulary = {f for c in counts.values() for f in c}
        size = len(self.vocabulary)
        for label in self.classes:
            total = sum(counts[label].values()) + self.alpha * size
            # Uniform priors: the label mix of the training file is not the mix of real traffic.
            self._log_prior[label] = -math.log(len(self.classes))
            self._log_likelihood[label] = {f: math.log((n + self.alpha) / total) for f, n in counts[label].items()}
            self._log_unseen[label] = math.log(self.alpha / total)
        return self

    def scores(self, features: list[str]) -> dict[str, float]:
        known = [f for f in set(features) if f in self.vocabulary]
        out = {}
        for label in self.classes:
            table, unseen = self._log_likelihood[label], self._log_unseen[label]
            out[label] = self._log_prior[label] + sum(table.get(f, unseen) for f in known)
        return out

    def probabilities(self, features: list[str]) -> dict[str, float]:
        scores = self.scores(features)
        known = sum(1 for f in set(features) if f in self.vocabulary)
        scale = self.temperature * max(1.0, math.sqrt(known))
        top = max(scores.values())
        exp = {label: math.exp((s - top) / scale) for label, s in scores.items()}
        total = sum(exp.values())
        return {label: v / total for label, v in exp.items()}
