"""Exact and near-duplicate stories: the same wire copy republished, lightly edited.

Why: one Reuters story reprinted by twenty sites would otherwise count as
twenty reports of a deal. Exact copies are caught by a hash of the normalised
text; edited copies (a changed sentence, another dateline, a trimmed ending)
by MinHash over word 5-shingles with LSH (128 permutations, Jaccard ~0.8).

Signatures are deterministic (fixed seed, sha1-based hashing), so they can be
stored (``signature``) and the index rebuilt after a restart
(``add_signature``) without re-reading the articles.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np
from datasketch import MinHash, MinHashLSH

__all__ = ["content_hash", "NearDuplicateIndex", "shingles"]

NUM_PERM = 128
SHINGLE = 5
SEED = 1
THRESHOLD = 0.8
#: Pinned so stored signatures stay comparable across datasketch upgrades.
SCHEME = "affine32"

_WORD = re.compile(r"\w+")


def content_hash(text: str) -> str:
    """sha256 of the lowercased text with all whitespace runs made one space."""
    normal = " ".join(text.lower().split())
    # surrogatepass: a lone surrogate is legal in a Python str (JSON "\\ud800"); it must
    # hash, not crash (readers replace them, this is the second line of defence).
    return hashlib.sha256(normal.encode("utf-8", "surrogatepass")).hexdigest()


def shingles(text: str, size: int = SHINGLE) -> set[bytes]:
    """Word ``size``-shingles of the lowercased text (one shingle if it is shorter)."""
    words = _WORD.findall(text.lower())
    if len(words) <= size:
        return {" ".join(words).encode("utf-8", "surrogatepass")}
    return {
        " ".join(words[i : i + size]).encode("utf-8", "surrogatepass")
        for i in range(len(words) - size + 1)
    }


class NearDuplicateIndex:
    """MinHash LSH over the stories seen so far.

    Candidates from LSH are confirmed with the estimated Jaccard similarity
    (``>= threshold``), because LSH buckets let through some pairs below it and
    a false "duplicate" would silently drop a different story. That costs one
    kept signature per story (512 bytes at 128 permutations).
    """

    def __init__(self, threshold: float = THRESHOLD, num_perm: int = NUM_PERM) -> None:
        self.threshold = threshold
        self.num_perm = num_perm
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._sigs: dict[str, MinHash] = {}
        self._order: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._sigs)

    def __contains__(self, key: object) -> bool:
        return key in self._sigs

    def _minhash(self, text: str) -> MinHash:
        m = MinHash(num_perm=self.num_perm, seed=SEED, scheme=SCHEME)
        m.update_batch(list(shingles(text)))
        return m

    def signature(self, text: str) -> bytes:
        """The MinHash signature of ``text`` as bytes (little-endian uint32s), for storage."""
        return self._minhash(text).hashvalues.astype("<u4").tobytes()

    def _from_signature(self, sig: bytes) -> MinHash:
        values = np.frombuffer(sig, dtype="<u4").astype(np.uint32)
        if len(values) != self.num_perm:
            raise ValueError(f"signature has {len(values)} values, expected {self.num_perm}")
        return MinHash(num_perm=self.num_perm, seed=SEED, hashvalues=values, scheme=SCHEME)

    def _add(self, key: str, m: MinHash) -> str | None:
        if key in self._sigs:
            return key
        candidates = [
            other for other in self._lsh.query(m) if self._sigs[other].jaccard(m) >= self.threshold
        ]
        if candidates:
            return min(candidates, key=self._order.__getitem__)
        self._lsh.insert(key, m)
        self._sigs[key] = m
        self._order[key] = len(self._order)
        return None

    def add(self, key: str, text: str) -> str | None:
        """The key of an earlier near-duplicate of ``text``, or ``None`` (and ``key`` is indexed).

        A duplicate is not indexed itself: every copy points to the first story.
        """
        return self._add(key, self._minhash(text))

    def add_signature(self, key: str, sig: bytes) -> str | None:
        """Like :meth:`add` from a stored :meth:`signature` (to rebuild the index)."""
        return self._add(key, self._from_signature(sig))
