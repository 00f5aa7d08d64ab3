"""The intent model: character n-grams (word-boundary aware) and word n-grams, one linear model.

Each message is seen through two views (recogniser.Analysis.views): the raw lower-cased words with
place names and ticket codes replaced by markers, and the normalised words (Javanese, Madurese and
abbreviations mapped to Indonesian, stemmed) plus entity markers. Character n-grams inside word
boundaries (`char_wb`) carry a misspelt or inflected word ("jembtan", "dalane", "syarate") to the
n-grams of the word it resembles, so the model generalises to words it has not seen whole.

scikit-learn fits the tf-idf vectorizers and a linear SVM (`train`). The fitted model keeps only
plain data: each vectorizer's vocabulary and idf weights and the SVM's weights. Scoring a message
applies the same analyzers by hand (`char_wb_ngrams`, `word_ngrams`, identical to sklearn's; the
tests compare the scores with sklearn's own `decision_function`): sklearn's `transform` spends about
2 ms checking its input on every call, and a process that loads a trained model need not import
sklearn at all.

Confidence is a softmax over the SVM's scores at a temperature chosen by grouped cross-validation on
the training examples alone (families kept together), so that it roughly means the chance of being
right on a message of a family never trained on. No threshold decides the intent: it is the top
score; `diluar_topik` is a class learned from examples like any other.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

# One vectorizer per (view, analyzer). Views are indices into the tuple of texts a message gives.
RAW, NORMALISED = 0, 1
CHAR_WB = dict(analyzer="char_wb", ngram_range=(2, 5), min_df=2)
WORDS = dict(analyzer="word", ngram_range=(1, 2), token_pattern=r"\S+", min_df=1)
VECTORIZERS = ((RAW, CHAR_WB), (NORMALISED, CHAR_WB), (NORMALISED, WORDS))
SVM_C = 1.0
CALIBRATION_FOLDS = 3
TEMPERATURES = (0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.7, 1.0)
_WHITE = re.compile(r"\s\s+")
_NO_COLUMNS = np.zeros(0, dtype=np.intp)
_NO_VALUES = np.zeros(0)


def char_wb_ngrams(text: str, low: int, high: int) -> list[str]:
    """sklearn's `char_wb` analyzer (lower-case, n-grams inside space-padded words)."""
    grams: list[str] = []
    for word in _WHITE.sub(" ", text.lower()).split():
        word = f" {word} "
        length = len(word)
        for n in range(low, high + 1):
            if n >= length:
                grams.append(word)  # a word shorter than n counts once, whole
                break
            grams.extend(word[i : i + n] for i in range(length - n + 1))
    return grams


def word_ngrams(text: str, low: int, high: int) -> list[str]:
    """sklearn's `word` analyzer with token_pattern \\S+."""
    tokens = text.lower().split()
    grams = list(tokens) if low == 1 else []
    for n in range(max(low, 2), min(high, len(tokens)) + 1):
        grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return grams


class _Block:
    """One fitted vectorizer as plain data (see module doc)."""

    def __init__(self, view: int, options: dict, vocabulary: dict[str, int], idf: np.ndarray, offset: int) -> None:
        self.view = view
        self.char = options["analyzer"] == "char_wb"
        self.low, self.high = options["ngram_range"]
        self.vocabulary = vocabulary
        self.idf = np.asarray(idf, dtype=np.float64)
        self.offset = offset

    def grams(self, text: str) -> list[str]:
        return (char_wb_ngrams if self.char else word_ngrams)(text, self.low, self.high)

    def features(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        get = self.vocabulary.get
        found = [i for gram in self.grams(texts[self.view]) if (i := get(gram)) is not None]
        if not found:
            return _NO_COLUMNS, _NO_VALUES
        columns, counts = np.unique(np.asarray(found, dtype=np.intp), return_counts=True)
        values = (1.0 + np.log(counts)) * self.idf[columns]  # sublinear tf * idf
        return columns + self.offset, values / np.sqrt(values @ values)


def _softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    z = scores / temperature
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def fit_sklearn(documents: Sequence[Sequence[str]], labels: Sequence[str]):
    """(fitted vectorizers, fitted LinearSVC): the sklearn side of `train`, also used by the tests."""
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    vectorizers = [(view, TfidfVectorizer(sublinear_tf=True, **options)) for view, options in VECTORIZERS]
    x = hstack([v.fit_transform([doc[view] for doc in documents]) for view, v in vectorizers]).tocsr()
    return vectorizers, LinearSVC(C=SVM_C).fit(x, np.asarray(labels))


def sklearn_scores(vectorizers, svm, documents: Sequence[Sequence[str]]) -> np.ndarray:
    from scipy.sparse import hstack

    x = hstack([v.transform([doc[view] for doc in documents]) for view, v in vectorizers]).tocsr()
    return svm.decision_function(x)


def _best_temperature(documents, labels: np.ndarray, groups: Sequence[str]) -> float:
    """The temperature whose softmax has the least log-loss on out-of-fold scores (families grouped)."""
    from sklearn.model_selection import GroupKFold

    classes = sorted(set(labels))
    scores, truth = [], []
    for train_idx, held_idx in GroupKFold(n_splits=CALIBRATION_FOLDS).split(labels, labels, groups):
        vectorizers, svm = fit_sklearn([documents[i] for i in train_idx], labels[train_idx])
        held = sklearn_scores(vectorizers, svm, [documents[i] for i in held_idx])
        full = np.full((len(held_idx), len(classes)), -10.0)  # a class absent from this fold is never chosen
        for j, cls in enumerate(svm.classes_):
            full[:, classes.index(cls)] = held[:, j]
        scores.append(full)
        truth.extend(classes.index(y) for y in labels[held_idx])
    all_scores, index = np.vstack(scores), np.array(truth)

    def log_loss(t: float) -> float:
        p = _softmax(all_scores, t)[np.arange(len(index)), index]
        return float(-np.mean(np.log(np.clip(p, 1e-12, 1.0))))

    return min(TEMPERATURES, key=log_loss)


class IntentModel:
    def __init__(self, vectorizers, svm, temperature: float) -> None:
        self.classes: list[str] = [str(c) for c in svm.classes_]
        self.blocks: list[_Block] = []
        offset = 0
        for (view, options), (_, vectorizer) in zip(VECTORIZERS, vectorizers):
            vocabulary = {k: int(v) for k, v in vectorizer.vocabulary_.items()}
            self.blocks.append(_Block(view, options, vocabulary, vectorizer.idf_, offset))
            offset += len(vocabulary)
        self.weights = np.ascontiguousarray(svm.coef_.T)  # (features, classes)
        self.intercept = np.array(svm.intercept_, dtype=np.float64)
        self.temperature = temperature

    @classmethod
    def train(cls, documents: Sequence[Sequence[str]], labels: Sequence[str], groups: Sequence[str]) -> IntentModel:
        y = np.asarray(labels)
        vectorizers, svm = fit_sklearn(documents, y)
        return cls(vectorizers, svm, _best_temperature(documents, y, groups))

    def decision(self, texts: Sequence[str]) -> np.ndarray:
        parts = [block.features(texts) for block in self.blocks]
        columns = np.concatenate([c for c, _ in parts])
        if not len(columns):
            return self.intercept.copy()
        return np.concatenate([v for _, v in parts]) @ self.weights[columns] + self.intercept

    def probabilities(self, texts: Sequence[str]) -> dict[str, float]:
        p = _softmax(self.decision(texts), self.temperature)
        return {cls: float(v) for cls, v in zip(self.classes, p)}
