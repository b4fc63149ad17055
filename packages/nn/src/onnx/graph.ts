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
  private readonly inputs: Value[] = [];
  private readonly outputs: Value[] = [];
  private counter = 0;

  /** @param params every parameter and buffer by its state-dict name: initializers under that name */
  constructor(params: Readonly<Record<string, Tensor>>) {
    for (const [name, t] of Object.entries(params))
      if (!this.params.has(t)) this.params.set(t, name);
  }

  input(name: string, t: Tensor): void {
    this.names.set(t, name);
    this.inputs.push({ name, dtype: t.dtype, shape: [...t.shape] });
  }

  output(name: string, t: Tensor): void {
    const from = this.name(t);
    // an output must be a node's output: an input or weight returned as is goes through Identity
    const produced = this.nodes.some((n) => n.output.includes(from));
    this.nodes.push(node('Identity', [from], [name], `out_${name}`, {}));
    if (!produced || from !== name)
      this.outputs.push({ name, dtype: t.dtype, shape: [...t.shape] });
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

  /**
   * Frees the batch size, given the same model traced with one row more (`other`): the two
   * graphs must be the same but for constants. An int64 constant (a shape, a slice bound)
   * that differs becomes a computation from the first input's size, a · batch + b; a
   * constant filled with one value whose shape differs (zeros for an initial state) becomes
   * that value expanded to its computed shape; anything else that differs is an error.
   */
  generalize(other: Graph, batch: number): void {
    const fail = (why: string): never => {
      throw new ValueError('exportOnnx', `dynamicBatch: ${why}`);
    };
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    if (!same(this.nodes, other.nodes) || this.initializers.length !== other.initializers.length)
      fail('the forward runs different ops at another batch size');
    const size = `${this.inputs[0].name}_batch`;
    const prologue: NodeSpec[] = [
      node('Shape', [this.inputs[0].name], [`${size}_shape`], `${size}_shape`, {}),
      node('Gather', [`${size}_shape`, this.literal([0], [1])], [size], `${size}_gather`, {
        axis: 0,
      }),
    ];
    const linear = (a: readonly number[], b: readonly number[], out: string) => {
      const slope = a.map((v, i) => b[i] - v);
      const offset = a.map((v, i) => v - slope[i] * batch);
      const scaled = `${out}_scaled`;
      prologue.push(
        node('Mul', [size, this.literal(slope, [slope.length])], [scaled], scaled, {}),
        node('Add', [scaled, this.literal(offset, [offset.length])], [out], out, {}),
      );
    };
    // the traced constants only: the literals made here come after them
    this.initializers.slice(0, other.initializers.length).forEach((init, i) => {
      const them = other.initializers[i];
      if (init.name !== them.name)
        fail('the forward makes different constants at another batch size');
      if (same(init.dims, them.dims) && same([...init.rawData], [...them.rawData])) return;
      const mine = valuesOf(init);
      const theirs = valuesOf(them);
      if (
        init.dataType === DATA_TYPE.int64 &&
        init.dims.length <= 1 &&
        mine.length === theirs.length
      ) {
        linear(mine, theirs, `${init.name}_vector`);
        prologue.push(
          node(
            'Reshape',
            [`${init.name}_vector`, this.literal(init.dims, [init.dims.length])],
            [init.name],
            init.name,
            {},
          ),
        );
      } else if (
        init.dims.length === them.dims.length &&
        new Set([...mine, ...theirs]).size === 1
      ) {
        linear(init.dims, them.dims, `${init.name}_shape`);
        const value = this.literalOf(init, mine[0]);
        prologue.push(node('Expand', [value, `${init.name}_shape`], [init.name], init.name, {}));
      } else fail(`a constant of shape [${init.dims}] depends on the batch size`);
      this.initializers[i] = { ...init, name: '' };
    });
    this.initializers.splice(
      0,
      this.initializers.length,
      ...this.initializers.filter((t) => t.name !== ''),
    );
    this.nodes.unshift(...prologue);
    const free = (mine: Value[], theirs: Value[]) =>
      mine.forEach((v, i) => {
        v.shape = v.shape.map((d, j) => {
          const e = theirs[i].shape[j] as number;
          if (d === e) return d;
          const k = e - (d as number);
          return k === 1 && d === batch
            ? 'batch'
            : `batch*${k}${d === k * batch ? '' : `+${(d as number) - k * batch}`}`;
        });
      });
    free(this.inputs, other.inputs);
    free(this.outputs, other.outputs);
  }

  /** An int64 initializer of `values` with these dims. */
  private literal(values: readonly number[], dims: number[]): string {
    const name = `const_${this.counter++}`;
    this.initializers.push({
      name,
      dims,
      dataType: DATA_TYPE.int64,
      rawData: new Uint8Array(BigInt64Array.from(values, (v) => BigInt(v)).buffer),
    });
    return name;
  }

  /** A scalar initializer of `init`'s type holding `value`. */
  private literalOf(init: TensorSpec, value: number): string {
    const name = `const_${this.counter++}`;
    const one = { ...init, name, dims: [] };
    const bytes = init.rawData.length / Math.max(1, valuesOf(init).length);
    one.rawData = init.rawData.slice(0, bytes);
    if (one.rawData.length === 0) {
      const dtype = (Object.keys(DATA_TYPE) as (keyof typeof DATA_TYPE)[]).find(
        (k) => DATA_TYPE[k] === init.dataType,
      ) as DType;
      one.rawData = bytesOf(new Tensor(typed(dtype, [value]), []));
    }
    this.initializers.push(one);
    return name;
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
        input: this.inputs.map(valueInfo),
        output: this.outputs.map(valueInfo),
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

/** A graph input or output: its dims are numbers, or names of free sizes ('batch'). */
interface Value {
  name: string;
  dtype: DType;
  shape: (number | string)[];
}

function valueInfo({ name, dtype, shape }: Value): object {
  return {
    name,
    type: {
      tensorType: {
        elemType: DATA_TYPE[dtype],
        shape: {
          dim: shape.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })),
        },
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

/** An initializer's values as numbers. */
function valuesOf(t: TensorSpec): number[] {
  const b = t.rawData.slice().buffer;
  switch (t.dataType) {
    case DATA_TYPE.int64:
      return Array.from(new BigInt64Array(b), Number);
    case DATA_TYPE.float64:
      return Array.from(new Float64Array(b));
    case DATA_TYPE.int32:
      return Array.from(new Int32Array(b));
    case DATA_TYPE.bool:
      return Array.from(new Uint8Array(b));
    default:
      return Array.from(new Float32Array(b));
  }
}
