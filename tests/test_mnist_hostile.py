"""Hostile IDX files: bombs, corrupt and cut gzip data, absurd headers, labels out of range.

Each file is built here, byte by byte, from the IDX layout (two zero bytes, a type code, the
number of dimensions, one big-endian 4-byte size per dimension, the data), never by the reader.
"""

from __future__ import annotations

import gzip
import io
import re
import tracemalloc
import zlib

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nn import mnist
from nn.mnist import MAX_IDX_DIMENSIONS, load_mnist, read_idx


def header(code: int, *shape: int) -> bytes:
    return bytes([0, 0, code, len(shape)]) + b"".join(s.to_bytes(4, "big") for s in shape)


def gzip_stream(parts, zeros: int = 0) -> bytes:
    """A gzip file of ``parts`` followed by ``zeros`` zero bytes, compressed a megabyte at a time."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    out = [packer.compress(p) for p in parts]
    block = bytes(1 << 20)
    for start in range(0, zeros, len(block)):
        out.append(packer.compress(block[:min(len(block), zeros - start)]))
    out.append(packer.flush())
    return b"".join(out)


LABELS = header(8, 4) + bytes([7, 2, 1, 0])
IMAGES = header(8, 4, 28, 28) + bytes(range(256)) * 12 + bytes(4 * 784 - 256 * 12)


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """A few hundred KB of gzip that declares a 10-byte vector but inflates to 300 MB."""
    data = gzip_stream([header(8, 10)], zeros=300 << 20)
    assert len(data) < 400_000
    return data


class CountingFile(io.BytesIO):
    """A binary file that counts the bytes the reader took from it."""

    taken = 0

    def read(self, size=-1):
        data = super().read(size)
        self.taken += len(data)
        return data


def test_a_gzip_bomb_is_refused_after_the_declared_bytes_with_bounded_memory(bomb, tmp_path):
    path = tmp_path / "bomb-idx1-ubyte.gz"
    path.write_bytes(bomb)
    tracemalloc.start()
    try:
        with pytest.raises(ValueError) as error:
            read_idx(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 << 20, f"reading the bomb allocated {peak / 2**20:.0f} MB"  # the old reader: 300 MB
    assert re.search(r"bomb-idx1-ubyte\.gz has shape \(10,\) of uint8, which needs 10 bytes of data, "
                     r"but more than 10 follow", str(error.value))
    source = CountingFile(bomb)
    with pytest.raises(ValueError, match="but more than 10 follow"):
        read_idx(source)
    assert source.taken <= (1 << 20) + 2  # one input chunk at most, not the whole file


def test_a_bomb_declaring_a_huge_array_is_refused_before_inflating(monkeypatch):
    declared = header(8, 60000, 28, 28)  # 47 MB, under the default limit
    monkeypatch.setattr(mnist, "MAX_IDX_BYTES", 1 << 20)
    source = CountingFile(gzip_stream([declared], zeros=10 << 20))
    with pytest.raises(ValueError, match=r"declares shape \(60000, 28, 28\) of uint8, 47,040,000 bytes "
                                         r"of data, more than the limit of 1,048,576 \(nn\.mnist"
                                         r"\.MAX_IDX_BYTES"):
        read_idx(source)


@pytest.mark.parametrize("shape", [(0xFFFFFFFF,) * 3, (1 << 16,) * 4, (0xFFFFFFFF, 0xFFFFFFFF, 2),
                                   (1 << 31, 1 << 31)])
def test_dimension_products_that_overflow_int64_are_refused(tmp_path, shape):
    product = 1
    for size in shape:
        product *= size
    assert product > 2**31  # (1 << 16,) * 4 is 2**64: zero in int64, as the old reader computed it
    path = tmp_path / "over.idx"
    path.write_bytes(header(8, *shape))
    with pytest.raises(ValueError, match=rf"over\.idx declares shape .* {product:,} bytes of data, more "
                                         rf"than the limit"):
        read_idx(path)


def test_more_dimensions_than_numpy_allows_are_refused(tmp_path):
    for ndim in (MAX_IDX_DIMENSIONS + 1, 65, 255):
        path = tmp_path / f"d{ndim}.idx"
        path.write_bytes(header(8, *[1] * ndim) + b"\x05")
        with pytest.raises(ValueError, match=rf"d{ndim}\.idx declares {ndim} dimensions; NumPy arrays "
                                             rf"have at most {MAX_IDX_DIMENSIONS}"):
            read_idx(path)
    path = tmp_path / "most.idx"
    path.write_bytes(header(8, *[1] * MAX_IDX_DIMENSIONS) + b"\x05")
    assert read_idx(path).shape == (1,) * MAX_IDX_DIMENSIONS


def test_every_truncation_of_a_file_is_refused_naming_it(tmp_path):
    whole = gzip.compress(LABELS)
    for cut in range(len(LABELS)):
        path = tmp_path / "cut-labels"
        path.write_bytes(LABELS[:cut])
        with pytest.raises(ValueError, match="cut-labels"):
            read_idx(path)
    for cut in range(2, len(whole)):
        path = tmp_path / "cut-labels.gz"
        path.write_bytes(whole[:cut])
        with pytest.raises(ValueError, match=r"cut-labels\.gz"):
            read_idx(path)
    path.write_bytes(whole[:-3])  # the checksum and length trailer cut: the data itself is complete
    with pytest.raises(ValueError, match=r"cut-labels\.gz is cut short: its gzip data ends"):
        read_idx(path)


def test_trailing_bytes_are_refused_and_gzip_members_in_a_row_are_read(tmp_path):
    path = tmp_path / "junk"
    path.write_bytes(LABELS + b"\x00")
    with pytest.raises(ValueError, match=r"junk has shape \(4,\) of uint8, which needs 4 bytes of data, "
                                         r"but more than 4 follow"):
        read_idx(path)
    path.write_bytes(gzip.compress(LABELS) + b"PK\x03\x04 not gzip")
    with pytest.raises(ValueError, match=r"junk has bytes after the end of its gzip data .*trailing junk"):
        read_idx(path)
    path.write_bytes(gzip.compress(LABELS[:6]) + gzip.compress(LABELS[6:]))  # valid: two members
    assert read_idx(path).tolist() == [7, 2, 1, 0]
    path.write_bytes(gzip.compress(LABELS) + gzip.compress(b"\x09"))
    with pytest.raises(ValueError, match="but more than 4 follow"):
        read_idx(path)


@given(position=st.integers(10, len(gzip.compress(IMAGES, mtime=0)) - 1), flip=st.integers(1, 255))
def test_a_corrupted_gzip_file_gives_the_same_array_or_an_error_naming_it(position, flip):
    data = bytearray(gzip.compress(IMAGES, mtime=0))
    data[position] ^= flip
    source = io.BytesIO(bytes(data))
    source.name = "corrupt-images.gz"
    try:
        got = read_idx(source)
    except ValueError as error:
        assert "corrupt-images.gz" in str(error)
    else:  # deflate can rarely decode a changed stream to the same bytes; the CRC checks the rest
        assert got.tobytes() == IMAGES[16:] and got.shape == (4, 28, 28)


def test_a_corrupt_deflate_stream_is_a_one_line_error(tmp_path):
    data = bytearray(gzip.compress(IMAGES, mtime=0))
    data[12] ^= 0xFF  # the first deflate block's header: an invalid block type
    path = tmp_path / "bad.gz"
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match=r"bad\.gz starts like a gzip file but does not decompress") as e:
        read_idx(path)
    assert "\n" not in str(e.value)
    data = bytearray(gzip.compress(IMAGES, mtime=0))
    data[-8] ^= 1  # the CRC-32 of the data
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match=r"bad\.gz .*corrupt \(.*incorrect data check"):
        read_idx(path)


def write_mnist(folder, labels: bytes, code: int = 8) -> None:
    n = len(labels)
    (folder / "train-images-idx3-ubyte").write_bytes(header(8, n, 28, 28) + bytes(n * 784))
    (folder / "train-labels-idx1-ubyte.gz").write_bytes(gzip.compress(header(code, n) + labels))


@pytest.mark.parametrize("code, labels, index, shown", [
    (8, bytes([3, 9, 255, 1]), 2, 255),   # unsigned byte 255
    (8, bytes([3, 10, 1, 1]), 1, 10),     # one past the last digit
    (9, bytes([0, 1, 2, 0xFF]), 3, -1),   # signed byte -1: np.eye(10)[-1] would train it as a 9
])
def test_mnist_labels_out_of_range_are_refused_by_file_and_index(tmp_path, code, labels, index, shown):
    write_mnist(tmp_path, labels, code)
    with pytest.raises(ValueError, match=rf"train-labels-idx1-ubyte\.gz: the label at index {index} is "
                                         rf"{shown}; MNIST labels are the digits 0-9"):
        load_mnist(tmp_path)


def test_mnist_labels_0_to_9_load_and_float_labels_are_refused(tmp_path):
    write_mnist(tmp_path, bytes(range(10)))
    images, labels = load_mnist(tmp_path)
    assert labels.tolist() == list(range(10)) and images.shape == (10, 28, 28)
    (tmp_path / "train-labels-idx1-ubyte.gz").write_bytes(
        gzip.compress(header(0x0D, 10) + np.arange(10, dtype=">f4").tobytes()))
    with pytest.raises(ValueError, match=r"holds float32 labels; MNIST labels are integers"):
        load_mnist(tmp_path)


def test_a_text_mode_file_is_refused_clearly(tmp_path):
    path = tmp_path / "labels"
    path.write_bytes(LABELS)
    with open(path, encoding="latin-1") as file, pytest.raises(TypeError, match="binary mode"):
        read_idx(file)
