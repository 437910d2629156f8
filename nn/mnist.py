"""Reading the standard MNIST files (the IDX format, gzipped or not) from a path you give.

MNIST does not ship with chainrule (it is 11 MB compressed and far too slow for a scalar engine to
train on in a lesson), but someone who has the four files can run the book's 196-100-50-10 network:
``load_mnist(folder)`` finds ``train-images-idx3-ubyte`` (or ``.gz``) and its siblings,
``book_inputs`` makes the book's 14×14 inputs (2×2 averaging, scaled by 1/255), and
``nn.digits.train_book_mnist(folder)`` trains the book's network on them.

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
import os
from pathlib import Path
from typing import BinaryIO

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


def read_idx(source: str | os.PathLike[str] | BinaryIO) -> np.ndarray:
    """The array in an IDX file (a path or a binary file object), gzipped or not.

    A missing file, a header that is not IDX, or data of the wrong length raise an error that
    names the file and what was found.

    >>> import io
    >>> read_idx(io.BytesIO(bytes([0, 0, 8, 2, 0, 0, 0, 1, 0, 0, 0, 2, 5, 6]))).tolist()
    [[5, 6]]
    """
    name = getattr(source, "name", None) or repr(source)
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        name = str(path)
        if not path.is_file():
            raise FileNotFoundError(f"read_idx: no file {name!r}"
                                    + (" (it is a folder)" if path.is_dir() else ""))
        raw = path.read_bytes()
    else:
        raw = source.read()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as error:
            raise ValueError(f"read_idx: {name} starts like a gzip file but does not decompress: "
                             f"{error}") from None
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in IDX_TYPES:
        raise ValueError(f"read_idx: {name} is not an IDX file: it starts with {raw[:4]!r}, expected "
                         f"two zero bytes, a type code in {sorted(IDX_TYPES)} and the number of "
                         f"dimensions")
    ndim = raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"read_idx: {name} is cut short: {ndim} dimensions need a {header}-byte "
                         f"header, the file has {len(raw)} bytes")
    shape = tuple(int.from_bytes(raw[4 + 4 * k: 8 + 4 * k], "big") for k in range(ndim))
    dtype = np.dtype(IDX_TYPES[raw[2]])
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(raw) - header != expected:
        raise ValueError(f"read_idx: {name} has shape {shape} of {dtype.name}, which needs {expected} "
                         f"bytes of data, but {len(raw) - header} follow the header")
    return np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape)


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
    labels = read_idx(_find(where, label_stem))
    if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
        raise ValueError(f"load_mnist: {part} images have shape {images.shape} and labels "
                         f"{labels.shape}; expected (n, rows, cols) and (n,) with the same n")
    return images, labels


def book_inputs(images: np.ndarray) -> np.ndarray:
    """The book's inputs: each 28×28 image averaged over 2×2 blocks to 14×14, divided by 255, as
    rows of 196 floats.

    >>> book_inputs(np.full((1, 28, 28), 255, dtype=np.uint8)).shape
    (1, 196)
    """
    n, rows, cols = images.shape
    if rows % 2 or cols % 2:
        raise ValueError(f"book_inputs: images of {rows}x{cols} pixels cannot be split into 2x2 blocks")
    blocks = images.astype(np.float64).reshape(n, rows // 2, 2, cols // 2, 2).mean(axis=(2, 4))
    return (blocks / 255.0).reshape(n, -1)


def write_idx(array: np.ndarray, target: str | os.PathLike[str] | BinaryIO, compress: bool = False) -> None:
    """Write ``array`` as an IDX file (the inverse of ``read_idx``): for tests and small examples.

    >>> import io
    >>> buffer = io.BytesIO(); write_idx(np.array([[1, 2]], dtype=np.uint8), buffer)
    >>> buffer.getvalue()
    b'\\x00\\x00\\x08\\x02\\x00\\x00\\x00\\x01\\x00\\x00\\x00\\x02\\x01\\x02'
    """
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
        Path(target).write_bytes(raw)
    else:
        target.write(raw)

