import { captureOps, type DType, noGrad, Tensor, ValueError } from '@ad/core';
import { Sequential } from '../layers/container';
import { Module, moduleCalls } from '../module';
import { Parameter } from '../parameter';
import { torchLayer } from './layers';
import { TORCH_OPS } from './ops';
import { attribute, py, snake } from './python';

const TORCH_DTYPE: Record<DType, string> = {
  float32: 'torch.float32',
  float64: 'torch.float64',
  int32: 'torch.int32',
  bool: 'torch.bool',
};

/** One Python class written for a module that torch.nn has no layer for. */
interface ClassSource {
  name: string;
  code: string;
}

/**
 * Python source of a module defining `model`'s architecture with `torch.nn` — the layers
 * torch.nn has as themselves (same names, shapes and options), any other module as a class
 * whose `forward` is `model`'s traced on `sampleInputs` — and `load(path)`, which builds it
 * and loads weights that `saveSafetensors(path, model.stateDict())` wrote, strictly.
 * Custom forwards are specialised like `torch.jit.trace`: to the control flow taken for the
 * sample inputs and to their non-tensor arguments. Ops PyTorch has no match for here throw,
 * naming them.
 */
export function exportTorch(model: Module, sampleInputs?: Tensor | readonly unknown[]): string {
  if (!(model instanceof Module)) throw new ValueError('exportTorch', 'expected a Module');
  const inputs =
    sampleInputs === undefined
      ? undefined
      : sampleInputs instanceof Tensor
        ? [sampleInputs]
        : [...sampleInputs];
  const classes: ClassSource[] = [];
  const root = noGrad(() => expression(model, inputs, classes));
  const dtype = model.parameters()[0]?.dtype;
  const build = dtype === 'float64' ? `${root}.double()` : root;
  return [
    `"""${model.constructor.name} exported by @ad/nn: torch.nn modules with @ad's names.`,
    '',
    'model = load("weights.safetensors") builds it and loads weights saved by',
    'saveSafetensors(path, model.stateDict()); build() gives it untrained.',
    '"""',
    'import json',
    'import struct',
    '',
    'import torch',
    'import torch.nn as nn',
    'import torch.nn.functional as F',
    '',
    ...classes.map((c) => `\n${c.code}\n`),
    '',
    'def build():',
    `    return ${build}`,
    '',
    '',
    'def load(path):',
    '    model = build()',
    '    model.load_state_dict(load_file(path), strict=True)',
    '    return model',
    '',
    '',
    LOAD_FILE,
  ].join('\n');
}

/** The Python expression that builds `m`, writing classes for modules torch.nn lacks. */
function expression(m: Module, inputs: unknown[] | undefined, classes: ClassSource[]): string {
  const layer = torchLayer(m);
  if (layer !== null) return layer;
  if (m instanceof Sequential) {
    // traced too when it can be: a layer of its own may need the inputs it was called with
    const calls =
      inputs === undefined ? new Map<Module, unknown[]>() : traceForward(m, inputs).calls;
    return `nn.Sequential(${m
      .children()
      .map((c) => expression(c, calls.get(c), classes))
      .join(', ')})`;
  }
  if (inputs === undefined)
    throw new ValueError(
      'exportTorch',
      `${m.constructor.name} is not a torch.nn layer, so its forward is traced: pass sample inputs (and call it from its parent's forward)`,
    );
  const { body, calls } = traceForward(m, inputs);
  const kids = new Map<string, Module[]>();
  for (const [key, c] of m.namedChildren()) {
    const [name] = key.split('.');
    kids.set(name, [...(kids.get(name) ?? []), c]);
  }
  const init: string[] = [];
  for (const [name, list] of kids) {
    const built = list.map((c) => expression(c, calls.get(c), classes));
    const isList = Array.isArray((m as unknown as Record<string, unknown>)[name]);
    init.push(`self.${name} = ${isList ? `nn.ModuleList([${built.join(', ')}])` : built[0]}`);
  }
  for (const [name, v] of Object.entries(m))
    if (v instanceof Parameter)
      init.push(
        `self.${name} = nn.Parameter(torch.empty(${py(v.shape)}, dtype=${TORCH_DTYPE[v.dtype]}))`,
      );
  for (const [key, t] of m.namedBuffers().filter(([k]) => !k.includes('.')))
    init.push(
      `self.register_buffer(${py(key)}, torch.empty(${py(t.shape)}, dtype=${TORCH_DTYPE[t.dtype]}))`,
    );
  const base = m.constructor.name || 'Module';
  const code = [
    'class @@(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    ...(init.length > 0 ? init : ['pass']).map((l) => `        ${l}`),
    '',
    ...body.map((l) => `    ${l}`),
  ].join('\n');
  // one class per distinct source: instances that trace alike share it
  const same = classes.find((c) => c.code === code.replace('@@', c.name));
  if (same !== undefined) return `${same.name}()`;
  const taken = classes.filter((c) => c.name === base || c.name.startsWith(`${base}_`)).length;
  const name = taken === 0 ? base : `${base}_${taken + 1}`;
  classes.push({ name, code: code.replace('@@', name) });
  return `${name}()`;
}

/**
 * The lines of `def forward` of `m`, traced on `inputs`: its own ops written out, its
 * children called as modules; and the inputs each child was called with (to trace it in turn).
 */
function traceForward(
  m: Module,
  inputs: unknown[],
): { body: string[]; calls: Map<Module, unknown[]> } {
  const calls = new Map<Module, unknown[]>();
  let active = true;
  const { result, calls: steps } = captureOps(
    (session) => {
      moduleCalls.hook = (sub, args, run) => {
        if (!active || sub === m) return run();
        active = false;
        try {
          if (!calls.has(sub)) calls.set(sub, args);
          return session.opaque(sub, 'module', args, run);
        } finally {
          active = true;
        }
      };
      try {
        return m.forward(...inputs);
      } finally {
        moduleCalls.hook = null;
      }
    },
    (op) => Object.hasOwn(TORCH_OPS, op),
    'exportTorch',
  );
  const names = new Map<Tensor, string>();
  const paths = new Map<Module, string>(m.namedModules().map(([k, c]) => [c, k]));
  for (const [k, t] of Object.entries(m.stateDict())) if (!names.has(t)) names.set(t, attribute(k));
  const params: string[] = [];
  inputs.forEach((x, i) => {
    params.push(`x${i}`);
    bindTree(x, `x${i}`, names);
  });
  const lines: string[] = [];
  const render = (x: unknown): string => {
    if (x instanceof Tensor) return names.get(x) ?? constant(x);
    if (Array.isArray(x)) return `[${x.map(render).join(', ')}]`;
    if (x !== null && typeof x === 'object')
      throw new ValueError('exportTorch', `cannot pass ${JSON.stringify(x)} to PyTorch here`);
    return py(x);
  };
  steps.forEach((c, i) => {
    const v = `t${i}`;
    if (c.name === 'module') {
      const target = c.target as Module;
      const path = paths.get(target);
      if (path === undefined)
        throw new ValueError(
          'exportTorch',
          `${target.constructor.name} is not a submodule of ${m.constructor.name}`,
        );
      lines.push(`${v} = ${attribute(path)}(${moduleArgs(c.args, render)})`);
    } else lines.push(`${v} = ${TORCH_OPS[c.name](render, c)}`);
    bindTree(c.result, v, names);
  });
  const body = [
    `def forward(self, ${params.join(', ')}):`,
    ...lines.map((l) => `    ${l}`),
    `    return ${render(result)}`,
  ];
  return { body, calls };
}

/** Arguments of a module call: trailing options objects become PyTorch's keyword arguments. */
function moduleArgs(args: unknown[], render: (x: unknown) => string): string {
  return args
    .map((x) =>
      x !== null && typeof x === 'object' && !Array.isArray(x) && !(x instanceof Tensor)
        ? Object.entries(x)
            .filter(([, v]) => v !== undefined)
            .map(([k, v]) => `${snake(k)}=${render(v)}`)
            .join(', ')
        : render(x),
    )
    .filter((s) => s !== '')
    .join(', ');
}

/** Names every tensor in a (nested) result by its Python access path: `t3`, `t3[1][0]`. */
function bindTree(x: unknown, path: string, names: Map<Tensor, string>): void {
  if (x instanceof Tensor) {
    if (!names.has(x)) names.set(x, path);
  } else if (Array.isArray(x)) x.forEach((v, i) => bindTree(v, `${path}[${i}]`, names));
}

function constant(t: Tensor): string {
  return `torch.tensor(${py(Array.from(t.data))}, dtype=${TORCH_DTYPE[t.dtype]}).reshape(${py(t.shape)})`;
}

/** Reads safetensors without the package where it is missing (the format is a JSON header). */
const LOAD_FILE = `try:
    from safetensors.torch import load_file
except ImportError:
    _DTYPES = {"F64": torch.float64, "F32": torch.float32, "F16": torch.float16,
               "BF16": torch.bfloat16, "I64": torch.int64, "I32": torch.int32,
               "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8, "BOOL": torch.bool}

    def load_file(path):
        with open(path, "rb") as f:
            raw = f.read()
        (n,) = struct.unpack("<Q", raw[:8])
        header = json.loads(raw[8:8 + n])
        out = {}
        for name, spec in header.items():
            if name == "__metadata__":
                continue
            begin, end = spec["data_offsets"]
            data = bytearray(raw[8 + n + begin:8 + n + end])
            dtype = _DTYPES[spec["dtype"]]
            flat = torch.frombuffer(data, dtype=dtype) if data else torch.empty(0, dtype=dtype)
            out[name] = flat.reshape(spec["shape"])
        return out
`;
