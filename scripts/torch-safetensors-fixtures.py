#!/usr/bin/python3
"""PyTorch state dicts as safetensors files, for packages/nn/test/torch-safetensors.test.ts.

Run with Debian's python3-torch from the repository root:
    /usr/bin/python3 scripts/torch-safetensors-fixtures.py
Writes packages/nn/test/fixtures/torch-<model>-<dtype>.safetensors (what
safetensors.torch.save_file writes for model.state_dict() in that dtype) and
torch-safetensors.json: per file, the input and the model's output in float32 (float64 for
the F64 file) with the weights as stored, which @ad must reproduce after loading the file.
"""
import json
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(__file__))
from safetensors_io import save_file  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "packages", "nn", "test", "fixtures")
torch.manual_seed(2030)


def mlp():
    return nn.Sequential(nn.Linear(6, 16), nn.LayerNorm(16), nn.GELU(), nn.Dropout(0.1),
                         nn.Linear(16, 3))


def cnn():
    return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Flatten(), nn.Linear(64, 5))


class Tagger(nn.Module):
    """An embedding, a batch-first LSTM and a linear head: the names nest two levels."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(11, 6)
        self.lstm = nn.LSTM(6, 7, batch_first=True)
        self.head = nn.Linear(7, 4)

    def forward(self, tokens):
        return self.head(self.lstm(self.embed(tokens))[0])


HALF = {"F16": torch.float16, "BF16": torch.bfloat16, "F32": torch.float32, "F64": torch.float64}


def case(name, model, x, code):
    # running statistics worth loading: a few training batches through the batch norms
    if any(isinstance(m, nn.BatchNorm2d) for m in model.modules()):
        model.train()
        with torch.no_grad():
            for _ in range(3):
                model(torch.randn(8, *x.shape[1:]))
    model.eval()
    stored = {k: (v.to(HALF[code]) if v.is_floating_point() else v)
              for k, v in model.state_dict().items()}
    path = f"torch-{name}-{code.lower()}.safetensors"
    save_file(stored, os.path.join(OUT, path), metadata={"format": "pt"})
    # the output @ad must give: the stored weights widened as @ad widens them
    compute = torch.float64 if code == "F64" else torch.float32
    model.to(compute)
    model.load_state_dict({k: (v.to(compute) if v.is_floating_point() else v)
                           for k, v in stored.items()})
    xin = x.to(compute) if x.is_floating_point() else x
    with torch.no_grad():
        y = model(xin)
    return {"file": path, "model": name, "dtype": code, "input": xin.tolist(),
            "inputShape": list(x.shape), "output": y.flatten().tolist(),
            "outputShape": list(y.shape),
            "keys": {k: [v.dtype.__repr__().replace("torch.", ""), list(v.shape)]
                     for k, v in stored.items()}}


def main():
    cases = []
    x = torch.randn(5, 6)
    for code in ["F16", "BF16", "F32"]:
        torch.manual_seed(1)
        cases.append(case("mlp", mlp(), x, code))
    img = torch.randn(2, 1, 8, 8)
    for code in ["F32", "F64"]:
        torch.manual_seed(2)
        cases.append(case("cnn", cnn(), img, code))
    tokens = torch.randint(0, 11, (2, 5))
    torch.manual_seed(3)
    cases.append(case("tagger", Tagger(), tokens, "BF16"))
    # every integer and bool dtype safetensors defines that torch has, by value
    ints = {"i8": torch.tensor([-128, 0, 127], dtype=torch.int8),
            "u8": torch.tensor([0, 7, 255], dtype=torch.uint8),
            "i16": torch.tensor([-32768, 5, 32767], dtype=torch.int16),
            "i32": torch.tensor([[-2147483648, 3], [4, 2147483647]], dtype=torch.int32),
            "i64": torch.tensor([-2147483648, 0, 2147483647], dtype=torch.int64),
            "bool": torch.tensor([True, False, True]),
            "empty": torch.zeros(0, 3)}
    save_file(ints, os.path.join(OUT, "torch-dtypes.safetensors"))
    values = {k: {"dtype": str(v.dtype).replace("torch.", ""), "shape": list(v.shape),
                  "values": v.flatten().int().tolist() if not v.is_floating_point() else []}
              for k, v in ints.items()}
    with open(os.path.join(OUT, "torch-safetensors.json"), "w") as f:
        json.dump({"torch": torch.__version__, "cases": cases, "dtypes": values}, f)
        f.write("\n")


main()
