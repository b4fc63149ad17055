#!/usr/bin/python3
"""Runs models that @ad exported (exportTorch + saveSafetensors) in PyTorch.

    /usr/bin/python3 scripts/torch-roundtrip.py manifest.json
The manifest lists cases: the exported module's path, the weights' path and the inputs
(flat values, shape, dtype). Each module is imported, load(weights) builds the model and
loads the weights strictly, and the model runs in eval mode; the outputs (flattened, in
order) are printed as JSON. Used by packages/nn/test/torch-live.test.ts.
"""
import importlib.util
import json
import sys

import torch

DTYPES = {"float32": torch.float32, "float64": torch.float64, "int32": torch.int64}


def flat(y):
    if isinstance(y, torch.Tensor):
        return [y]
    return [t for v in y if v is not None for t in flat(v)]


def main():
    with open(sys.argv[1]) as f:
        cases = json.load(f)
    results = []
    for i, case in enumerate(cases):
        spec = importlib.util.spec_from_file_location(f"exported_{i}", case["module"])
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        model = module.load(case["weights"]).eval()
        inputs = [torch.tensor(x["data"], dtype=DTYPES[x["dtype"]]).reshape(x["shape"])
                  for x in case["inputs"]]
        with torch.no_grad():
            outs = flat(model(*inputs))
        results.append([{"shape": list(y.shape), "data": y.double().flatten().tolist()}
                        for y in outs])
    json.dump(results, sys.stdout)


main()
