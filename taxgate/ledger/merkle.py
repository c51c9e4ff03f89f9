"""Merkle tree hashing, proofs and proof verification (RFC 9162 §2.1, same as RFC 6962 §2.1).

Pure functions over bytes. A leaf hash is ``SHA-256(0x00 || data)``; an interior node is
``SHA-256(0x01 || left || right)``; a tree of ``n > 1`` leaves splits at the largest power of
two smaller than ``n``. The tree of no leaves hashes to ``SHA-256()``.

The verifiers follow RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency) and never
raise: a malformed proof, index, size or hash is simply not a valid proof and gives ``False``.

Example:
    >>> leaves = [leaf_hash(bytes([i])) for i in range(5)]
    >>> proof = inclusion_proof(leaves, 3)
    >>> verify_inclusion(leaves[3], 3, 5, proof, root(leaves))
    True
    >>> old, new = root(leaves[:2]), root(leaves)
    >>> verify_consistency(2, 5, old, new, consistency_proof(leaves, 2))
    True
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

_sha256 = hashlib.sha256


def leaf_hash(data: bytes) -> bytes:
    """``SHA-256(0x00 || data)``: the hash of one log entry (RFC 9162 §2.1.1)."""
    return _sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """``SHA-256(0x01 || left || right)``: the hash of an interior node (RFC 9162 §2.1.1)."""
    return _sha256(b"\x01" + left + right).digest()


def split_point(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (``n >= 2``)."""
    return 1 << ((n - 1).bit_length() - 1)


class Frontier:
    """The right edge of a tree: the roots of its perfect subtrees, largest first.

    A tree of ``size`` leaves is the fold of one perfect subtree per set bit of ``size``
    (``7 = 4 + 2 + 1``). Keeping only those ``popcount(size)`` hashes lets a log grow by ``k``
    leaves with ``O(k)`` hashing and give its root with ``O(log n)`` more, whatever its size.
    """

    __slots__ = ("_hashes", "_size")

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        if size < 0 or len(hashes) != size.bit_count():
            raise ValueError(f"a frontier of size {size} holds {size.bit_count()} hashes")
        self._size = size
        self._hashes = list(hashes)

    @classmethod
    def from_bytes(cls, size: int, packed: bytes) -> Frontier:
        """Rebuild from :meth:`to_bytes` output."""
        hashes = [packed[i : i + HASH_SIZE] for i in range(0, len(packed), HASH_SIZE)]
        return cls(size, hashes)

    def to_bytes(self) -> bytes:
        """The frontier hashes, concatenated, largest subtree first."""
        return b"".join(self._hashes)

    @property
    def size(self) -> int:
        """Number of leaves in the tree."""
        return self._size

    def extend(self, leaf_hashes: Iterable[bytes]) -> None:
        """Append leaves (already leaf-hashed) to the right of the tree."""
        stack = self._hashes
        size = self._size
        sha = _sha256
        for value in leaf_hashes:
            carry = size
            while carry & 1:
                value = sha(b"\x01" + stack.pop() + value).digest()
                carry >>= 1
            stack.append(value)
            size += 1
        self._size = size

    def root(self) -> bytes:
        """The tree head: the Merkle tree hash of every leaf so far."""
        if not self._hashes:
            return EMPTY_ROOT
        value = self._hashes[-1]
        for left in reversed(self._hashes[:-1]):
            value = node_hash(left, value)
        return value


def root(hashes: Iterable[bytes]) -> bytes:
    """The Merkle tree hash of a list of leaf hashes, in ``O(n)`` time and ``O(log n)`` space."""
    frontier = Frontier()
    frontier.extend(hashes)
    return frontier.root()


class MerkleTree:
    """Every perfect subtree of a list of leaf hashes, for roots and proofs at any prefix size.

    Each level is one ``bytes`` object of concatenated 32-byte hashes, so a million leaves
    cost about 64 MB and two million hash calls.
    """

    def __init__(self, leaf_hashes: bytes | Sequence[bytes]) -> None:
        if isinstance(leaf_hashes, bytes | bytearray):
            level = bytes(leaf_hashes)
        else:
            level = b"".join(leaf_hashes)
        if len(level) % HASH_SIZE:
            raise ValueError("leaf hashes must be 32 bytes each")
        self._levels = [level]
        sha = _sha256
        while len(level) >= 2 * HASH_SIZE:
            pairs = len(level) // (2 * HASH_SIZE)
            view = memoryview(level)
            level = b"".join(
                [sha(b"\x01" + view[i : i + 64]).digest() for i in range(0, pairs * 64, 64)]
            )
            self._levels.append(level)

    @property
    def size(self) -> int:
        """Number of leaves."""
        return len(self._levels[0]) // HASH_SIZE

    def leaf(self, index: int) -> bytes:
        """The leaf hash at ``index``."""
        return self._perfect(0, index)

    def _perfect(self, height: int, position: int) -> bytes:
        start = position * HASH_SIZE
        return self._levels[height][start : start + HASH_SIZE]

    def frontier(self) -> Frontier:
        """The right edge of the whole tree, as :class:`Frontier` keeps it."""
        hashes, start = [], 0
        for height in range(self.size.bit_length() - 1, -1, -1):
            if self.size >> height & 1:
                hashes.append(self._perfect(height, start >> height))
                start += 1 << height
        return Frontier(self.size, hashes)

    def subtree_root(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]) as RFC 9162 §2.1.1 defines it (``start < end <= size``)."""
        n = end - start
        if n & (n - 1) == 0 and start % n == 0:
            return self._perfect(n.bit_length() - 1, start // n)
        k = split_point(n)
        return node_hash(self.subtree_root(start, start + k), self.subtree_root(start + k, end))

    def root(self, size: int | None = None) -> bytes:
        """The tree head of the first ``size`` leaves (default: all)."""
        size = self.size if size is None else size
        self._check_size(size)
        return EMPTY_ROOT if size == 0 else self.subtree_root(0, size)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """PATH(index, D[0:size]), RFC 9162 §2.1.3.1; the leaf's sibling comes first."""
        size = self.size if size is None else size
        self._check_size(size)
        if not 0 <= index < size:
            raise ValueError(f"leaf {index} is not in a tree of size {size}")
        path: list[bytes] = []
        start, end = 0, size
        while end - start > 1:
            k = split_point(end - start)
            if index < start + k:
                path.append(self.subtree_root(start + k, end))
                end = start + k
            else:
                path.append(self.subtree_root(start, start + k))
                start += k
        path.reverse()
        return path

    def consistency_proof(self, old_size: int, size: int | None = None) -> list[bytes]:
        """PROOF(old_size, D[0:size]), RFC 9162 §2.1.4.1 (``0 < old_size <= size``)."""
        size = self.size if size is None else size
        self._check_size(size)
        if not 0 < old_size <= size:
            raise ValueError(f"no consistency proof from size {old_size} to size {size}")
        path: list[bytes] = []
        start, end, m, whole = 0, size, old_size, True
        while m != end - start:
            k = split_point(end - start)
            if m <= k:
                path.append(self.subtree_root(start + k, end))
                end = start + k
            else:
                path.append(self.subtree_root(start, start + k))
                start += k
                m -= k
                whole = False
        if not whole:
            path.append(self.subtree_root(start, end))
        path.reverse()
        return path

    def _check_size(self, size: int) -> None:
        if not 0 <= size <= self.size:
            raise ValueError(f"size {size} is outside a tree of {self.size} leaves")


def inclusion_proof(leaves: Sequence[bytes], index: int) -> list[bytes]:
    """The audit path of leaf ``index`` in the tree of ``leaves`` (leaf hashes)."""
    return MerkleTree(leaves).inclusion_proof(index)


def consistency_proof(leaves: Sequence[bytes], old_size: int) -> list[bytes]:
    """The proof that the first ``old_size`` of ``leaves`` are a prefix of all of them."""
    return MerkleTree(leaves).consistency_proof(old_size)


def _is_hash(value: object) -> bool:
    return isinstance(value, bytes) and len(value) == HASH_SIZE


def _is_size(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root_hash: bytes
) -> bool:
    """Whether ``proof`` shows leaf hash ``leaf`` at ``index`` in the tree ``(size, root_hash)``.

    RFC 9162 §2.1.3.2. Every hash must be 32 bytes; the proof must be exactly as long as the
    path, neither shorter nor padded.
    """
    if not (_is_hash(leaf) and _is_hash(root_hash) and _is_size(index) and _is_size(size)):
        return False
    if index >= size or not isinstance(proof, Sequence):
        return False
    fn, sn, value = index, size - 1, leaf
    for sibling in proof:
        if sn == 0 or not _is_hash(sibling):
            return False
        if fn & 1 or fn == sn:
            value = node_hash(sibling, value)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            value = node_hash(value, sibling)
        fn >>= 1
        sn >>= 1
    return sn == 0 and value == root_hash


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Whether ``proof`` shows the tree ``(old_size, old_root)`` is a prefix of the new one.

    RFC 9162 §2.1.4.2. Two trees of the same size are consistent when their roots are equal
    and the proof is empty. A proof from the empty tree is refused: RFC 9162 §2.1.4 defines
    consistency proofs for ``0 < old_size``, and "consistent with nothing" proves nothing.
    """
    if not (_is_size(old_size) and _is_size(new_size)) or not isinstance(proof, Sequence):
        return False
    if old_size == 0 or old_size > new_size:
        return False
    if old_size == new_size:
        return len(proof) == 0 and isinstance(old_root, bytes) and old_root == new_root
    if not proof or not all(_is_hash(p) for p in proof):
        return False
    if not (_is_hash(old_root) and _is_hash(new_root)):
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for node in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(node, fr)
            sr = node_hash(node, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, node)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root
