import { captureOps, cat, checkOptions, noGrad, Tensor, ValueError } from '@ad/core';
import { Module } from '../module';
import { Graph } from './graph';
import { OPSET, RULES } from './rules';

/** Options of `encodeOnnx` / `exportOnnx`. */
export interface OnnxOptions {
  /** Names of the graph's inputs (default `input`, or `input.0`, `input.1`… for several). */
  inputNames?: string[];
  /** Names of the graph's outputs (default `output`, or `output.0`…). */
  outputNames?: string[];
  /**
   * Leaves the batch size (every input's first dim) free, as `dynamic_axes` does for
   * `torch.onnx.export`: the model is traced at two batch sizes, and every shape that differs
   * is computed from the input's size in the graph (it must be linear in it). A constant
   * other than a shape that depends on the batch size is an error.
   */
  dynamicBatch?: boolean;
}

/**
 * An ONNX model (opset 17, IR version 8) of `model.forward(...sampleInputs)`, as bytes: the
 * ops the forward pass runs on the sample inputs, with the parameters and buffers as
 * initializers under their state-dict names. Like `torch.onnx.export`, the graph is traced:
 * shapes are the sample inputs', and control flow is whatever the forward took for them.
 * Call `model.eval()` first (dropout and batch norm export in eval mode). An op ONNX has no
 * rule for throws, naming it. Node: `exportOnnx` writes the bytes to a file.
 */
export function encodeOnnx(
  model: Module,
  sampleInputs: Tensor | readonly Tensor[],
  opts: OnnxOptions = {},
): Uint8Array {
  if (!(model instanceof Module)) throw new ValueError('exportOnnx', 'expected a Module');
  const inputs = sampleInputs instanceof Tensor ? [sampleInputs] : [...sampleInputs];
  if (inputs.length === 0 || !inputs.every((x) => x instanceof Tensor))
    throw new ValueError('exportOnnx', 'sampleInputs must be a tensor or an array of tensors');
  const { dynamicBatch = false } = checkOptions('exportOnnx', opts, [
    'inputNames',
    'outputNames',
    'dynamicBatch',
  ]);
  const g = trace(model, inputs, opts);
  if (dynamicBatch) {
    const batch = inputs[0].shape[0];
    if (!inputs.every((x) => x.ndim > 0 && x.shape[0] === batch))
      throw new ValueError(
        'exportOnnx',
        `dynamicBatch needs every input to start with the batch dim, got ${inputs.map((x) => `[${x.shape}]`).join(', ')}`,
      );
    // the same inputs with one row more: what changes with the batch size shows
    const grown = inputs.map((x) => cat([x, x.narrow(0, 0, 1)], 0));
    g.generalize(trace(model, grown, opts), batch);
  }
  return g.encode(OPSET, `${model.constructor.name} exported by @ad/nn`);
}

/** The graph of `model.forward(...inputs)`. */
function trace(model: Module, inputs: Tensor[], opts: OnnxOptions): Graph {
  const name = (names: string[] | undefined, base: string, n: number, i: number) =>
    names?.[i] ?? (n === 1 ? base : `${base}.${i}`);
  const training = model.modules().some((m) => m.training);
  const { result, calls, reads } = captureOps(
    () => noGrad(() => model.forward(...inputs)),
    (op) => Object.hasOwn(RULES, op),
    training ? 'exportOnnx (the model is in training mode: call model.eval() first)' : 'exportOnnx',
  );
  const g = new Graph(model.stateDict());
  inputs.forEach((x, i) => g.input(name(opts.inputNames, 'input', inputs.length, i), x));
  for (const c of calls) {
    const names = RULES[c.name](g, c);
    c.outs.forEach((y, i) => g.bind(y, names[i]));
  }
  // reading an input or a weight (a range check) leaves the graph as it is; reading a value
  // computed from them would freeze whatever was decided with it
  const computed = new Set(calls.flatMap((c) => c.outs));
  const read = reads.find((t) => computed.has(t));
  if (read !== undefined)
    throw new ValueError(
      'exportOnnx',
      `the forward pass reads the values of a computed tensor of shape [${read.shape}] (item(), data): a graph cannot branch on them`,
    );
  const outs: Tensor[] = result instanceof Tensor ? [result] : flat(result);
  outs.forEach((y, i) => g.output(name(opts.outputNames, 'output', outs.length, i), y));
  return g;
}

function flat(x: unknown): Tensor[] {
  if (x instanceof Tensor) return [x];
  if (Array.isArray(x)) return x.flatMap(flat);
  throw new ValueError('exportOnnx', 'forward must return a tensor or (nested) arrays of tensors');
}
