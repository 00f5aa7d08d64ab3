"""Bridge between the reference data (storage.reference) and the recogniser (flows.nlu).

flows/ must not read storage, so the app builds the recogniser here, once, at start-up.

Training takes a few seconds (analysing ~4,000 examples, fitting the model and its calibration), so
the trained recogniser is kept in instance/nlu/ under a name made of a hash of everything it was built
from: the labelled data and lexicons, the recogniser's own code, the reference data, and the versions
of Python, numpy and scikit-learn. Change any of them and the name changes, so a stale artefact is never
loaded; it is never committed (instance/ is git-ignored) and is rebuilt when missing or unreadable.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import pickle
import sys
import tempfile
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path

from flows.nlu import Recogniser
from flows.nlu.corpus import data_fingerprint
from storage import reference

log = logging.getLogger(__name__)
PROJECT_DIR = Path(__file__).resolve().parent.parent
CACHE_DIR = PROJECT_DIR / "instance" / "nlu"
KEPT = 3  # older artefacts beyond this many are removed


# Loaded once per process: a recogniser is read-only, and every app or Runtime of the process
# (the test suite makes hundreds) may share it.
_LOADED: dict[Path, Recogniser] = {}


def build_recogniser(cache_dir: Path | None = CACHE_DIR) -> Recogniser:
    """The recogniser, trained on every labelled family; loaded from `cache_dir` when built before."""
    if cache_dir is None:
        return _train()
    path = cache_dir / f"recogniser-{fingerprint()}.pickle"
    if path in _LOADED:
        return _LOADED[path]
    recogniser = _load(path)
    if recogniser is None:
        # One process trains; the others that start meanwhile (web workers, a test suite's xdist
        # workers) wait for it and load its artefact instead of training the same model beside it.
        with _training_lock(cache_dir):
            recogniser = _load(path)
            if recogniser is None:
                recogniser = _train()
                _store(recogniser, path)
    _LOADED[path] = recogniser
    return recogniser


def _load(path: Path) -> Recogniser | None:
    try:
        with path.open("rb") as f:
            recogniser = pickle.load(f)
        if isinstance(recogniser, Recogniser):
            return recogniser
    except FileNotFoundError:
        pass
    except Exception:  # a truncated or foreign file: rebuild it
        log.warning("recogniser cache %s unreadable; rebuilding", path.name)
    return None


@contextmanager
def _training_lock(cache_dir: Path):
    """An exclusive lock on cache_dir/training.lock, released when the holder ends (also when it
    dies); without a writable cache_dir, no lock (training then only costs time twice)."""
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        lock = (cache_dir / "training.lock").open("a")
    except OSError:
        yield
        return
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def cache_dir_of(settings) -> Path:
    """NLU_CACHE_DIR, else instance/nlu."""
    return Path(settings.nlu_cache_dir) if settings.nlu_cache_dir else CACHE_DIR


def is_built(cache_dir: Path = CACHE_DIR) -> bool:
    """Whether build_recogniser will load rather than train (training takes ~10 s, once)."""
    return (cache_dir / f"recogniser-{fingerprint()}.pickle").is_file()


def fingerprint() -> str:
    digest = hashlib.sha256()
    code = sorted((PROJECT_DIR / "flows" / "nlu").glob("*.py")) + [Path(__file__)]
    refs = sorted(reference.DATA_DIR.glob("*.csv"))
    digest.update(data_fingerprint(code + refs).encode())
    digest.update(f"{sys.version_info[:3]} numpy {version('numpy')} sklearn {version('scikit-learn')}".encode())
    return digest.hexdigest()[:20]


def _train() -> Recogniser:
    return Recogniser.from_reference(
        kecamatan=reference.kecamatan(),
        desa=reference.desa(),
        layanan=reference.layanan(),
        opd=reference.opd(),
    )


def _store(recogniser: Recogniser, path: Path) -> None:
    """Write atomically (several workers may start at once); a failure to write only costs time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False, suffix=".tmp") as f:
            pickle.dump(recogniser, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(f.name, path)
        old = sorted(path.parent.glob("recogniser-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in old[KEPT:]:
            stale.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("recogniser cache not written: %s", exc)
