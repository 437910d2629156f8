"""Reading the standard MNIST files (the IDX format, gzipped or not) from a path you give.

MNIST does not ship with chainrule (it is 11 MB compressed and far too slow for a scalar engine to
train on in a lesson), but someone who has the four files can run the book's 196-100-50-10 network:
``load_mnist(folder)`` finds ``train-images-idx3-ubyte`` (or ``.gz``) and its siblings, and
``nn.book.mnist.train_book_mnist(folder)`` trains the book's network on them.

An IDX file is a big-endian header: two zero bytes, a type code (0x08 unsigned byte, 0x09 signed
byte, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64), the number of dimensions, one 4-byte
size per dimension; then the data, row-major.

>>> import io, gzip
>>> raw = bytes([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1])         # a vector of 3 unsigned bytes
>>> read_idx(io.BytesIO(raw)).tolist(), read_idx(io.BytesIO(gzip.compress(raw))).tolist()
([7, 2, 1], [7, 2, 1])
"""

from __future__ import annotations

import gzip
import math
import os
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from autograd.atomic_file import write_file
from autograd.installation import numpy_for

if TYPE_CHECKING:
    import numpy as np

IDX_TYPES: dict[int, str] = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
"""IDX type codes and the NumPy dtype (big-endian) of each."""

MNIST_FILES: dict[str, tuple[str, str]] = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
"""The standard file names (each may end in ``.gz``; ``-idx3-ubyte`` may be ``.idx3-ubyte``)."""

MNIST_TEST_COUNTS = (980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009)
"""How many of MNIST's 10,000 test images show each digit 0-9."""


MAX_IDX_BYTES = 1 << 30
"""``read_idx`` refuses a header that declares more data than this (1 GiB; MNIST's training
images are 47 MB); raise it (``nn.mnist.MAX_IDX_BYTES = ...``) to read a larger file."""


MAX_IDX_DIMENSIONS = 32
"""The most dimensions an IDX header may declare: the most every supported NumPy allows (NumPy 1
allows 32, NumPy 2 allows 64), so a file reads the same everywhere; real IDX files have 1 to 4."""

_CHUNK = 1 << 20
"""Bytes read from the file, and bytes inflated, at a time."""


class _IdxStream:
    """The bytes of an IDX file, inflated on demand when it is gzipped: never more than asked for.

    A gzip bomb (a small file that inflates to gigabytes) costs only what the header declares;
    corrupt or truncated deflate data, a bad checksum and bytes after the gzip data are refused.
    """

    def __init__(self, file: BinaryIO, name: str) -> None:
        self.file, self.name = file, name
        self.pending = self._read_input(2)
        self.gzipped = self.pending == b"\x1f\x8b"
        self.inflater = zlib.decompressobj(16 + zlib.MAX_WBITS) if self.gzipped else None
        self.member_done = False

    def _read_input(self, size: int = _CHUNK) -> bytes:
        data = self.file.read(size)
        if not isinstance(data, bytes):
            raise TypeError(f"read_idx: {self.name} must be opened in binary mode ('rb'); it gave "
                            f"{type(data).__name__}")
        return data

    def read(self, size: int) -> bytes:
        """Up to ``size`` bytes; fewer only at the end of the data."""
        out = bytearray()
        while len(out) < size:
            piece = self._inflate(min(size - len(out), _CHUNK)) if self.gzipped else self._raw(
                min(size - len(out), _CHUNK))
            if not piece:
                break
            out += piece
        return bytes(out)

    def _raw(self, size: int) -> bytes:
        if self.pending:
            piece, self.pending = self.pending[:size], self.pending[size:]
            return piece
        return self._read_input(size)

    def _inflate(self, size: int) -> bytes:
        """At most ``size`` inflated bytes (b"" at the clean end of the last gzip member)."""
        assert self.inflater is not None
        while True:
            if self.member_done:  # a gzip file may hold several members, one after another
                if not self.pending:
                    self.pending = self._read_input()
                if not self.pending:
                    return b""
                self.inflater, self.member_done = zlib.decompressobj(16 + zlib.MAX_WBITS), False
                after_member = True
            else:
                after_member = False
            if not self.pending:
                self.pending = self._read_input()
                if not self.pending:
                    raise ValueError(f"read_idx: {self.name} is cut short: its gzip data ends before "
                                     f"the end of the compressed stream (a truncated download?)")
            try:
                piece = self.inflater.decompress(self.pending, size)
            except zlib.error as error:
                if after_member:
                    raise ValueError(f"read_idx: {self.name} has bytes after the end of its gzip "
                                     f"data that are not gzip data (trailing junk)") from None
                raise ValueError(f"read_idx: {self.name} starts like a gzip file but does not "
                                 f"decompress: the deflate data is corrupt ({error})") from None
            if self.inflater.eof:
                self.pending, self.member_done = self.inflater.unused_data, True
            else:
                self.pending = self.inflater.unconsumed_tail
            if piece:
                return piece


def read_idx(source: str | os.PathLike[str] | BinaryIO) -> np.ndarray:
    """The array in an IDX file (a path or a binary file object), gzipped or not.

    The header is read first and only the data it declares is read (or inflated), so a hostile
    file costs at most ``MAX_IDX_BYTES`` of memory. A missing file, a header that is not IDX,
    more than ``MAX_IDX_DIMENSIONS`` dimensions, a declared size over ``MAX_IDX_BYTES``, data
    of the wrong length, corrupt or truncated gzip data and trailing bytes raise an error that
    names the file and what was found.

    >>> import io
    >>> read_idx(io.BytesIO(bytes([0, 0, 8, 2, 0, 0, 0, 1, 0, 0, 0, 2, 5, 6]))).tolist()
    [[5, 6]]
    """
    name = str(getattr(source, "name", None) or repr(source))
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        name = str(path)
        if not path.is_file():
            raise FileNotFoundError(f"read_idx: no file {name!r}"
                                    + (" (it is a folder)" if path.is_dir() else ""))
        with open(path, "rb") as file:
            return _read_idx(_IdxStream(file, name), name)
    return _read_idx(_IdxStream(source, name), name)


def _read_idx(stream: _IdxStream, name: str) -> np.ndarray:
    """The header, then exactly the data it declares, then a check that nothing follows."""
    np = numpy_for("reading MNIST's IDX files (nn.read_idx, nn.load_mnist)")
    head = stream.read(4)
    if len(head) < 4 or head[0] != 0 or head[1] != 0 or head[2] not in IDX_TYPES:
        raise ValueError(f"read_idx: {name} is not an IDX file: it starts with {head!r}, expected "
                         f"two zero bytes, a type code in {sorted(IDX_TYPES)} and the number of "
                         f"dimensions")
    ndim = head[3]
    if ndim > MAX_IDX_DIMENSIONS:
        raise ValueError(f"read_idx: {name} declares {ndim} dimensions; NumPy arrays have at most "
                         f"{MAX_IDX_DIMENSIONS}, so the header is corrupt")
    sizes = stream.read(4 * ndim)
    if len(sizes) < 4 * ndim:
        raise ValueError(f"read_idx: {name} is cut short: {ndim} dimensions need a {4 + 4 * ndim}-byte "
                         f"header, the file has {4 + len(sizes)} bytes")
    shape = tuple(int.from_bytes(sizes[4 * k: 4 * k + 4], "big") for k in range(ndim))
    dtype = np.dtype(IDX_TYPES[head[2]])
    expected = math.prod(shape) * dtype.itemsize  # exact: Python ints do not overflow
    if expected > MAX_IDX_BYTES:
        raise ValueError(f"read_idx: {name} declares shape {shape} of {dtype.name}, {expected:,} bytes "
                         f"of data, more than the limit of {MAX_IDX_BYTES:,} (nn.mnist.MAX_IDX_BYTES; "
                         f"raise it to read a file this large)")
    data = bytearray()
    while len(data) < expected:
        piece = stream.read(min(expected - len(data), _CHUNK))
        if not piece:
            break
        data += piece
    if len(data) < expected or stream.read(1):
        found = f"{len(data)}" if len(data) < expected else f"more than {expected}"
        raise ValueError(f"read_idx: {name} has shape {shape} of {dtype.name}, which needs {expected} "
                         f"bytes of data, but {found} follow the header")
    return np.frombuffer(data, dtype=dtype).reshape(shape)


def _find(folder: Path, stem: str) -> Path:
    """The file ``stem`` in ``folder``, gzipped or not, with '-idx' or '.idx' in its name."""
    names = [stem, stem.replace("-idx", ".idx")]
    for candidate in (folder / (n + ext) for n in names for ext in ("", ".gz")):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"load_mnist: no {stem} or {stem}.gz in {str(folder)!r}; the four MNIST "
                            f"files are {', '.join(n for pair in MNIST_FILES.values() for n in pair)}")


def load_mnist(folder: str | os.PathLike[str], part: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """MNIST's ``part`` ("train" or "test") from ``folder``: images (n, 28, 28) uint8, labels (n,).

    Each label must be a digit 0-9: another value is refused with the file and its index.

    >>> load_mnist("/no/such/folder")
    Traceback (most recent call last):
    ...
    FileNotFoundError: load_mnist: no folder '/no/such/folder'
    """
    if part not in MNIST_FILES:
        raise ValueError(f"load_mnist: part must be 'train' or 'test', got {part!r}")
    where = Path(folder)
    if not where.is_dir():
        raise FileNotFoundError(f"load_mnist: no folder {str(where)!r}")
    image_stem, label_stem = MNIST_FILES[part]
    images = read_idx(_find(where, image_stem))
    label_file = _find(where, label_stem)
    labels = read_idx(label_file)
    if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
        raise ValueError(f"load_mnist: {part} images have shape {images.shape} and labels "
                         f"{labels.shape}; expected (n, rows, cols) and (n,) with the same n")
    _check_labels(labels, label_file)
    return images, labels


def _check_labels(labels: np.ndarray, file: Path) -> None:
    """MNIST labels are integers 0-9: refuse others by file and index (a -1 would train as a 9)."""
    if labels.dtype.kind not in "iu":
        raise ValueError(f"load_mnist: {file} holds {labels.dtype.name} labels; MNIST labels are "
                         f"integers, the digits 0-9")
    np = numpy_for("nn.load_mnist")
    bad = np.flatnonzero((labels < 0) | (labels > 9))
    if bad.size:
        first = int(bad[0])
        more = f" ({bad.size} labels are out of range)" if bad.size > 1 else ""
        raise ValueError(f"load_mnist: {file}: the label at index {first} is {int(labels[first])}; "
                         f"MNIST labels are the digits 0-9{more}")


def write_idx(array: np.ndarray, target: str | os.PathLike[str] | BinaryIO, compress: bool = False) -> None:
    """Write ``array`` as an IDX file (the inverse of ``read_idx``): for tests and small examples.

    >>> import io
    >>> import numpy as np
    >>> buffer = io.BytesIO(); write_idx(np.array([[1, 2]], dtype=np.uint8), buffer)
    >>> buffer.getvalue()
    b'\\x00\\x00\\x08\\x02\\x00\\x00\\x00\\x01\\x00\\x00\\x00\\x02\\x01\\x02'
    """
    np = numpy_for('nn.mnist.write_idx')
    codes = {np.dtype(v).newbyteorder("=").str: k for k, v in IDX_TYPES.items()}
    key = array.dtype.newbyteorder("=").str
    if key not in codes:
        raise ValueError(f"write_idx: IDX has no type for {array.dtype}; use one of "
                         f"{', '.join(np.dtype(v).name for v in IDX_TYPES.values())}")
    code = codes[key]
    raw = bytes([0, 0, code, array.ndim]) + b"".join(int(s).to_bytes(4, "big") for s in array.shape)
    raw += np.ascontiguousarray(array, dtype=np.dtype(IDX_TYPES[code])).tobytes()
    if compress:
        raw = gzip.compress(raw)
    if isinstance(target, (str, os.PathLike)):
        write_file(target, raw, "write_idx")
    else:
        target.write(raw)

