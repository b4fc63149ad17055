"""safetensors files read and written by hand (Debian has no python3-safetensors).

The format: an 8-byte little-endian header length, a JSON header naming each tensor's dtype,
shape and byte range, then the raw little-endian bytes. Used by the fixture script and by the
live round trip test; `safetensors.torch.load_file` reads the same files.
"""
import json
import struct

import torch

CODES = {
    torch.float64: "F64", torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
    torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8",
    torch.uint8: "U8", torch.bool: "BOOL",
}
DTYPES = {code: dtype for dtype, code in CODES.items()}
# dtypes of the same width whose bytes numpy can carry (it has no bfloat16)
CARRIERS = {torch.bfloat16: torch.int16, torch.float16: torch.int16}


def raw_bytes(t):
    t = t.detach().contiguous().cpu()
    if t.dtype in CARRIERS:
        t = t.view(CARRIERS[t.dtype])
    return t.numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes()


def save_file(tensors, path, metadata=None):
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        data = raw_bytes(t)
        header[name] = {"dtype": CODES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def load_file(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    data = raw[8 + n:]
    out = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        begin, end = spec["data_offsets"]
        dtype = DTYPES[spec["dtype"]]
        carrier = CARRIERS.get(dtype, dtype)
        t = torch.frombuffer(bytearray(data[begin:end]), dtype=carrier) if end > begin \
            else torch.empty(0, dtype=carrier)
        out[name] = t.view(dtype).reshape(spec["shape"])
    return out
