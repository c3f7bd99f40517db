"""What a comment looks like to the classifier: hashed features, in plain Python.

Training (the command, with scikit-learn) and scoring (every web process, without it)
call the same functions here, so a model is just its weights and the few numbers in
``params``. No NumPy, SciPy or scikit-learn: a web worker imports this module.

Three blocks, each hashed with CRC-32 (C code in the standard library: the same number in
every process and on every machine, unlike ``hash()``) into its own slice of columns:

- word unigrams and bigrams of the lower-cased text, L2-normalised;
- character 2- to 5-grams inside word boundaries (each word padded with a space, as
  scikit-learn's ``char_wb``), which catch "fr33 m0ney", glued-on URLs and misspellings
  that word tokens miss, L2-normalised;
- a small block of tokens about the comment: how many links, each link's domain and its
  top-level domain, the words of the name, whether the email already has approved
  comments, the length and shouting, weighted by ``meta_weight``. Never the IP address.

``params`` (plain numbers in a dict) is stored with each model and checked on load by
``check_params``: nothing in a stored model names code to run.
"""

import math
import re
from collections.abc import Iterator
from zlib import crc32

from .sample import Sample

FEATURE_VERSION = 2  # 1: scikit-learn's murmurhash (models of that kind need retraining)
DEFAULT_PARAMS = {
    "version": FEATURE_VERSION,
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

Row = dict[int, float]  # column -> value: one comment's non-zero features


def check_params(params: object) -> dict:
    """The stored feature settings, or ValueError: exactly the known keys, plain numbers."""
    if not isinstance(params, dict) or set(params) != set(DEFAULT_PARAMS):
        raise ValueError("spam model: unknown feature settings")
    if params["version"] != FEATURE_VERSION:
        raise ValueError("spam model: features of another version (train the filter again)")
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
    for host in sorted(set(hosts)):
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


def word_tokens(text: str, low: int, high: int) -> list[str]:
    words = _WORD.findall(text.lower())
    tokens: list[str] = []
    for n in range(low, high + 1):
        tokens.extend(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
    return tokens


def char_tokens(word: str, low: int, high: int) -> Iterator[str]:
    """The character n-grams of one word, padded with a space each side (``char_wb``)."""
    padded = f" {word} "
    for n in range(low, high + 1):
        if len(padded) <= n:
            yield padded
            break
        for i in range(len(padded) - n + 1):
            yield padded[i : i + n]


def _counts(tokens, size: int, offset: int) -> Row:
    counts: Row = {}
    for token in tokens:
        column = offset + crc32(token.encode("utf-8", "surrogatepass")) % size
        counts[column] = counts.get(column, 0.0) + 1.0
    return counts


def _normalised(counts: Row) -> Row:
    norm = math.sqrt(sum(v * v for v in counts.values()))
    return {k: v / norm for k, v in counts.items()} if norm else counts


class Featuriser:
    """Turns samples into the model's feature rows; built only from checked params."""

    def __init__(self, params: dict | None = None) -> None:
        self.params = check_params(dict(params or DEFAULT_PARAMS))
        p = self.params
        self.word_size = 2 ** p["word_bits"]
        self.char_size = 2 ** p["char_bits"]
        self.meta_size = 2 ** p["meta_bits"]
        self.n_features = self.word_size + self.char_size + self.meta_size

    def _words(self, sample: Sample) -> list[str]:
        return word_tokens(sample.body, *self.params["word_ngrams"])

    def _chars(self, sample: Sample) -> Iterator[str]:
        low, high = self.params["char_ngrams"]
        for word in sample.body.lower().split():
            yield from char_tokens(word, low, high)

    def row(self, sample: Sample) -> Row:
        """One comment's non-zero features: column -> value."""
        row = _normalised(_counts(self._words(sample), self.word_size, 0))
        chars = _normalised(_counts(self._chars(sample), self.char_size, self.word_size))
        for column, value in chars.items():
            row[column] = row.get(column, 0.0) + value
        weight = float(self.params["meta_weight"])
        meta = _counts(meta_tokens(sample), self.meta_size, self.word_size + self.char_size)
        for column, value in meta.items():
            row[column] = row.get(column, 0.0) + value * weight
        return row

    def rows(self, samples: list[Sample]) -> list[Row]:
        return [self.row(sample) for sample in samples]

    def contributions(self, sample: Sample, weights) -> dict[str, float]:
        """How much each word (and each fact about the comment) added to the score: a word's
        own n-grams and the character n-grams inside it, a bigram half to each word."""
        row = self.row(sample)  # the normalised values, by column
        found: dict[str, float] = {}

        def add(label: str, column: int) -> None:
            found[label] = found.get(label, 0.0) + row[column] * weights[column]

        for token in set(self._words(sample)):
            column = crc32(token.encode("utf-8", "surrogatepass")) % self.word_size
            parts = token.split(" ")
            for part in parts:
                found[part] = found.get(part, 0.0) + row[column] * weights[column] / len(parts)
        clow, chigh = self.params["char_ngrams"]
        for word in set(sample.body.lower().split()):
            label = _WORD.search(word)
            for token in set(char_tokens(word, clow, chigh)):
                column = self.word_size + crc32(token.encode("utf-8", "surrogatepass")) % (
                    self.char_size
                )
                add(label.group(0) if label else word, column)
        offset = self.word_size + self.char_size
        for token in set(meta_tokens(sample)):
            add(token, offset + crc32(token.encode("utf-8", "surrogatepass")) % self.meta_size)
        return found
