"""What a comment looks like to the classifier: one sparse row of hashed features.

Three blocks, each hashed (``HashingVectorizer``: no vocabulary to store, so a model is
just its weights and these few numbers):

- word unigrams and bigrams of the text, L2-normalised;
- character n-grams inside word boundaries (``char_wb``), which catch "fr33 m0ney",
  glued-on URLs and misspellings that word tokens miss, L2-normalised;
- a small block of tokens about the comment: how many links, each link's domain and its
  top-level domain, the words of the name, whether the email already has approved
  comments, the length and shouting. The IP address is never a feature.

``params`` (plain numbers in a dict) is stored with each model and checked on load by
``check_params``: nothing in a stored model names code to run.
"""

import math
import re

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.utils import murmurhash3_32

from .sample import Sample

DEFAULT_PARAMS = {
    "version": 1,
    "word_ngrams": [1, 2],
    "char_ngrams": [2, 5],
    "word_bits": 18,
    "char_bits": 18,
    "meta_bits": 14,
    "meta_weight": 0.5,
}
_INT_PAIRS = {"word_ngrams": (1, 3), "char_ngrams": (1, 6)}
_BITS = {"word_bits": (10, 22), "char_bits": (10, 22), "meta_bits": (8, 20)}
_WORD = re.compile(r"(?u)\b\w+\b")
# Links as spammers write them: with a scheme or starting "www." (linkify, which the
# renderer uses, is ten times slower and this runs on the posting path).
_LINK_HOST = re.compile(r"(?i)(?:\bhttps?://|\bwww\.)([a-z0-9][a-z0-9.-]*[a-z0-9])")


def check_params(params) -> dict:
    """The stored feature settings, or ValueError: exactly the known keys, plain numbers."""
    if not isinstance(params, dict) or set(params) != set(DEFAULT_PARAMS):
        raise ValueError("spam model: unknown feature settings")
    if params["version"] != 1:
        raise ValueError("spam model: unknown feature version")
    for key, (low, high) in _INT_PAIRS.items():
        pair = params[key]
        if (
            not isinstance(pair, list)
            or len(pair) != 2
            or not all(type(n) is int and low <= n <= high for n in pair)
            or pair[0] > pair[1]
        ):
            raise ValueError(f"spam model: bad {key}")
    for key, (low, high) in _BITS.items():
        if type(params[key]) is not int or not low <= params[key] <= high:
            raise ValueError(f"spam model: bad {key}")
    weight = params["meta_weight"]
    if type(weight) not in (int, float) or not 0 <= weight <= 10:
        raise ValueError("spam model: bad meta_weight")
    return params


def _bucket(n: int) -> str:
    return str(n) if n < 3 else "3+"


def link_hosts(text: str) -> list[str]:
    return [host.lower().removeprefix("www.") for host in _LINK_HOST.findall(text)]


def meta_tokens(sample: Sample) -> list[str]:
    hosts = link_hosts(sample.body)
    tokens = [f"links={_bucket(len(hosts))}", "email=known" if sample.known_email else "email=new"]
    for host in set(hosts):
        tokens.append(f"domain={host}")
        tokens.append(f"tld={host.rsplit('.', 1)[-1]}")
    words = _WORD.findall(sample.name.lower())
    tokens.extend(f"name={word}" for word in words) if words else tokens.append("name=")
    if any(ch.isdigit() for ch in sample.name):
        tokens.append("name=has-digits")
    tokens.append(f"length={min(int(math.log2(len(sample.body) + 1)), 12)}")
    letters = [ch for ch in sample.body if ch.isalpha()]
    if len(letters) >= 10 and sum(ch.isupper() for ch in letters) > 0.5 * len(letters):
        tokens.append("shouting")
    tokens.append(f"exclamations={_bucket(sample.body.count('!'))}")
    return tokens


def _hashed(token: str, size: int) -> int:
    """The column HashingVectorizer gives ``token`` (see sklearn's _hashing_fast.pyx)."""
    h = murmurhash3_32(token, seed=0)
    if h == -(2**31):
        return (2**31 - 1 - (size - 1)) % size
    return abs(h) % size


def _identity(tokens):
    return tokens


class Featuriser:
    """Turns samples into the model's feature rows; built only from checked params."""

    def __init__(self, params: dict | None = None):
        self.params = check_params(dict(params or DEFAULT_PARAMS))
        p = self.params
        self.word = HashingVectorizer(
            analyzer="word", token_pattern=_WORD.pattern, ngram_range=tuple(p["word_ngrams"]),
            n_features=2 ** p["word_bits"], alternate_sign=False, dtype=np.float32,
        )  # fmt: skip
        self.char = HashingVectorizer(
            analyzer="char_wb", ngram_range=tuple(p["char_ngrams"]),
            n_features=2 ** p["char_bits"], alternate_sign=False, dtype=np.float32,
        )  # fmt: skip
        self.meta = HashingVectorizer(
            analyzer=_identity, n_features=2 ** p["meta_bits"], alternate_sign=False,
            norm=None, dtype=np.float32,
        )  # fmt: skip
        self._word_analyzer = self.word.build_analyzer()
        self._char_analyzer = self.char.build_analyzer()
        self.n_features = 2 ** p["word_bits"] + 2 ** p["char_bits"] + 2 ** p["meta_bits"]

    def row(self, sample: Sample) -> tuple[np.ndarray, np.ndarray]:
        """One sample's non-zero features (positions, values): the same numbers as a row of
        ``transform``, without its per-call cost, for scoring one comment as it is posted."""
        p, text = self.params, sample.body
        blocks = [
            (self._word_analyzer(text), 2 ** p["word_bits"], True, 1.0),
            (self._char_analyzer(text), 2 ** p["char_bits"], True, 1.0),
            (meta_tokens(sample), 2 ** p["meta_bits"], False, float(p["meta_weight"])),
        ]
        positions, values, offset = [], [], 0
        for tokens, size, normalise, weight in blocks:
            counts: dict[int, float] = {}
            for token in tokens:
                index = _hashed(token, size)
                counts[index] = counts.get(index, 0.0) + 1.0
            block = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
            if normalise and len(block):
                block /= np.sqrt((block**2).sum())
            positions.append(np.fromiter(counts, dtype=np.int64, count=len(counts)) + offset)
            values.append(block * weight)
            offset += size
        return np.concatenate(positions), np.concatenate(values)

    def transform(self, samples: list[Sample]) -> sp.csr_matrix:
        texts = [sample.body for sample in samples]
        meta = self.meta.transform([meta_tokens(sample) for sample in samples])
        return sp.hstack(
            [self.word.transform(texts), self.char.transform(texts),
             meta * self.params["meta_weight"]],
            format="csr",
        )  # fmt: skip
