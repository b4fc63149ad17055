// An ONNX graph under construction: names for tensors (inputs, parameters by their state-dict
// names, constants, node outputs), nodes with attributes, and the encoded ModelProto.
import { type DType, Tensor, ValueError } from '@ad/core';
import { ATTRIBUTE, DATA_TYPE, modelProto } from './schema';

/** An attribute value: a number is an INT when integral (FLOAT for `{ f }`), an array INTS or FLOATS. */
export type Attribute = number | { f: number } | readonly number[] | { floats: number[] } | string;

interface NodeSpec {
  opType: string;
  input: string[];
  output: string[];
  name: string;
  attribute: object[];
}

interface TensorSpec {
  name: string;
  dims: number[];
  dataType: number;
  rawData: Uint8Array;
}

export class Graph {
  private readonly names = new Map<Tensor, string>();
  /** Parameters and buffers by tensor: an initializer once a node uses one. */
  private readonly params = new Map<Tensor, string>();
  private readonly nodes: NodeSpec[] = [];
  private readonly initializers: TensorSpec[] = [];
  private readonly inputs: object[] = [];
  private readonly outputs: object[] = [];
  private counter = 0;

  /** @param params every parameter and buffer by its state-dict name: initializers under that name */
  constructor(params: Readonly<Record<string, Tensor>>) {
    for (const [name, t] of Object.entries(params))
      if (!this.params.has(t)) this.params.set(t, name);
  }

  input(name: string, t: Tensor): void {
    this.names.set(t, name);
    this.inputs.push(valueInfo(name, t.dtype, t.shape));
  }

  output(name: string, t: Tensor): void {
    const from = this.name(t);
    // an output must be a node's output: an input or weight returned as is goes through Identity
    const produced = this.nodes.some((n) => n.output.includes(from));
    this.nodes.push(node('Identity', [from], [name], `out_${name}`, {}));
    if (!produced || from !== name) this.outputs.push(valueInfo(name, t.dtype, t.shape));
  }

  /** The name of a tensor argument: a node output, an input, a parameter, or else a constant. */
  name(t: Tensor): string {
    const known = this.names.get(t);
    if (known !== undefined) return known;
    const name = this.initializer(this.params.get(t) ?? `const_${this.counter++}`, t);
    this.names.set(t, name);
    return name;
  }

  /** Names `t` as the output `name` of a node. */
  bind(t: Tensor, name: string): void {
    this.names.set(t, name);
  }

  /** A constant tensor of `values` (int64 for shapes and axes). */
  constant(values: readonly number[], dtype: DType | 'int64', shape = [values.length]): string {
    const name = `const_${this.counter++}`;
    const raw =
      dtype === 'int64'
        ? new Uint8Array(BigInt64Array.from(values, (v) => BigInt(v)).buffer)
        : bytesOf(new Tensor(typed(dtype, values), shape));
    this.initializers.push({ name, dims: shape, dataType: DATA_TYPE[dtype], rawData: raw });
    return name;
  }

  /** Adds a node with one output and returns its name. */
  node(opType: string, input: string[], attrs: Record<string, Attribute> = {}): string {
    return this.nodeN(opType, input, 1, attrs)[0];
  }

  /** Adds a node with `n` outputs and returns their names. */
  nodeN(
    opType: string,
    input: string[],
    n: number,
    attrs: Record<string, Attribute> = {},
  ): string[] {
    const id = this.counter++;
    const output = Array.from({ length: n }, (_, i) => `${opType}_${id}${n > 1 ? `_${i}` : ''}`);
    this.nodes.push(node(opType, input, output, `${opType}_${id}`, attrs));
    return output;
  }

  encode(opset: number, docString: string): Uint8Array {
    const Model = modelProto();
    const message = Model.fromObject({
      irVersion: 8,
      opsetImport: [{ domain: '', version: opset }],
      producerName: '@ad/nn',
      producerVersion: '0.1.0',
      docString,
      graph: {
        name: 'main',
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    });
    return Model.encode(message).finish();
  }

  private initializer(name: string, t: Tensor): string {
    this.initializers.push({
      name,
      dims: [...t.shape],
      dataType: DATA_TYPE[t.dtype],
      rawData: bytesOf(t),
    });
    return name;
  }
}

function node(
  opType: string,
  input: string[],
  output: string[],
  name: string,
  attrs: Record<string, Attribute>,
): NodeSpec {
  const attribute = Object.entries(attrs).map(([key, v]) => {
    if (typeof v === 'string')
      return { name: key, type: ATTRIBUTE.STRING, s: new TextEncoder().encode(v) };
    if (typeof v === 'number')
      return Number.isInteger(v)
        ? { name: key, type: ATTRIBUTE.INT, i: v }
        : { name: key, type: ATTRIBUTE.FLOAT, f: v };
    if ('f' in v) return { name: key, type: ATTRIBUTE.FLOAT, f: v.f };
    if ('floats' in v) return { name: key, type: ATTRIBUTE.FLOATS, floats: v.floats };
    return { name: key, type: ATTRIBUTE.INTS, ints: [...v] };
  });
  return { opType, input, output, name, attribute };
}

function valueInfo(name: string, dtype: DType, shape: readonly number[]): object {
  return {
    name,
    type: {
      tensorType: {
        elemType: DATA_TYPE[dtype],
        shape: { dim: shape.map((d) => ({ dimValue: d })) },
      },
    },
  };
}

function typed(dtype: DType, values: readonly number[]) {
  switch (dtype) {
    case 'float64':
      return Float64Array.from(values);
    case 'float32':
      return Float32Array.from(values);
    case 'int32':
      return Int32Array.from(values);
    case 'bool':
      return Uint8Array.from(values);
  }
}

/** A tensor's values as little-endian bytes (ONNX's raw_data), in its logical order. */
function bytesOf(t: Tensor): Uint8Array {
  const data = t.data;
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1)
    throw new ValueError('exportOnnx', 'big-endian machines are not supported');
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
}
