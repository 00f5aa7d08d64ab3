"""The intent model scores a message exactly as scikit-learn's own pipeline would, without it."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from core.nlu import build_recogniser
from flows.nlu.classifier import CHAR_WB, WORDS, IntentModel, char_wb_ngrams, fit_sklearn, sklearn_scores, word_ngrams
from flows.nlu.corpus import read_corpus, split

TEXTS = ["kpn kenduren mas nang gempl?", "a", "  dua   spasi ", "__kec__ @layanan syarat ktp", "ktp-el ku ilang!!",
         "Nyuwun pirsa, Kenduren Mas benjing punapa rawuh?", "🙏", "x y z w v u"]


@pytest.mark.parametrize("options", [CHAR_WB, WORDS], ids=["char_wb", "word"])
def test_analyzers_are_sklearns(options):
    analyzer = TfidfVectorizer(**options).build_analyzer()
    ours = char_wb_ngrams if options["analyzer"] == "char_wb" else word_ngrams
    for text in TEXTS:
        assert ours(text, *options["ngram_range"]) == analyzer(text)


def test_scores_equal_sklearns_decision_function():
    recogniser = build_recogniser()
    train, test = split(read_corpus())
    documents = [recogniser.analyse(e["text"]).views() for e in train[::4]]
    labels = [e["intent"] for e in train[::4]]
    vectorizers, svm = fit_sklearn(documents, labels)
    model = IntentModel(vectorizers, svm, temperature=0.3)
    probe = [recogniser.analyse(e["text"]).views() for e in test[:200]] + [("", ""), ("zzzz", "zzzz")]
    expected = sklearn_scores(vectorizers, svm, probe)
    ours = np.array([model.decision(doc) for doc in probe])
    assert np.allclose(ours, expected, atol=1e-9)
    assert model.classes == [str(c) for c in svm.classes_]
