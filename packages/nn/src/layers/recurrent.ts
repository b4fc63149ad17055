import * as ad from '@ad/core';
import { type Generator, type Tensor, ValueError } from '@ad/core';
import { uniform } from '../init';
import { Module } from '../module';
import { Parameter } from '../parameter';

// RNN, LSTM and GRU with PyTorch's parameters (weight_ih_l0, …, `_reverse` for the backward
// direction; gates stacked in PyTorch's order: LSTM i, f, g, o; GRU r, z, n), layouts and
// formulas. Each layer projects the whole input sequence in one product, then steps through
// time with one product per step for the hidden state.

/** Options of `RNN`, `LSTM` and `GRU`, as in PyTorch. */
export interface RNNOptions {
  numLayers?: number;
  bias?: boolean;
  /** Input and output as [N, L, features] instead of [L, N, features]. */
  batchFirst?: boolean;
  /** Dropout on the outputs of every layer but the last, in training. */
  dropout?: number;
  bidirectional?: boolean;
  dtype?: ad.FloatDType;
  generator?: Generator;
}

/** `RNN`'s options: also its nonlinearity. */
export interface SimpleRNNOptions extends RNNOptions {
  nonlinearity?: 'tanh' | 'relu';
}

const KEYS = ['numLayers', 'bias', 'batchFirst', 'dropout', 'bidirectional', 'dtype', 'generator'];

type Mode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';
const GATES: Record<Mode, number> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };

/** One direction of one layer's parameters. */
interface Cell {
  wih: Tensor;
  whh: Tensor;
  bih: Tensor | null;
  bhh: Tensor | null;
}

abstract class RNNBase extends Module {
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  /** The generator of the dropout between layers. */
  readonly generator: Generator | undefined;

  protected constructor(
    readonly op: string,
    /** PyTorch's name for the cell: RNN_TANH, RNN_RELU, LSTM or GRU. */
    readonly mode: Mode,
    readonly inputSize: number,
    readonly hiddenSize: number,
    opts: SimpleRNNOptions,
  ) {
    super();
    ad.checkInt(op, 'inputSize', inputSize, 1);
    ad.checkInt(op, 'hiddenSize', hiddenSize, 1);
    const keys = [
      'numLayers',
      'bias',
      'batchFirst',
      'dropout',
      'bidirectional',
      'dtype',
      'generator',
    ];
    const o = ad.checkOptions(op, opts, op === 'RNN' ? [...keys, 'nonlinearity'] : keys);
    this.numLayers = ad.checkInt(op, 'numLayers', o.numLayers ?? 1, 1);
    this.bias = ad.checkBool(op, 'bias', o.bias ?? true);
    this.batchFirst = ad.checkBool(op, 'batchFirst', o.batchFirst ?? false);
    this.dropout = ad.checkNumber(op, 'dropout', o.dropout ?? 0, { min: 0, max: 1 });
    this.bidirectional = ad.checkBool(op, 'bidirectional', o.bidirectional ?? false);
    this.generator = o.generator;
    // PyTorch: every parameter U(−1/√hidden, 1/√hidden), in registration order
    const bound = 1 / Math.sqrt(hiddenSize);
    const rows = GATES[mode] * hiddenSize;
    const self = this as unknown as Record<string, Parameter>;
    for (let layer = 0; layer < this.numLayers; layer++) {
      const inputs = layer === 0 ? inputSize : hiddenSize * this.directions;
      for (let dir = 0; dir < this.directions; dir++) {
        const suffix = `_l${layer}${dir === 1 ? '_reverse' : ''}`;
        const shapes: [string, number[]][] = [
          [`weight_ih${suffix}`, [rows, inputs]],
          [`weight_hh${suffix}`, [rows, hiddenSize]],
          ...(this.bias
            ? ([
                [`bias_ih${suffix}`, [rows]],
                [`bias_hh${suffix}`, [rows]],
              ] as [string, number[]][])
            : []),
        ];
        for (const [name, shape] of shapes) {
          const p = new Parameter(ad.zeros(shape, { dtype: o.dtype }));
          self[name] = uniform(p, -bound, bound, { generator: o.generator }) as Parameter;
        }
      }
    }
  }

  get directions(): number {
    return this.bidirectional ? 2 : 1;
  }

  override extraRepr(): string {
    const parts = [`${this.inputSize}, ${this.hiddenSize}`];
    if (this.numLayers !== 1) parts.push(`numLayers=${this.numLayers}`);
    if (!this.bias) parts.push('bias=false');
    if (this.batchFirst) parts.push('batchFirst=true');
    if (this.dropout) parts.push(`dropout=${this.dropout}`);
    if (this.bidirectional) parts.push('bidirectional=true');
    return parts.join(', ');
  }
}

function cellOf(rnn: RNNBase, layer: number, dir: number): Cell {
  const self = rnn as unknown as Record<string, Tensor>;
  const suffix = `_l${layer}${dir === 1 ? '_reverse' : ''}`;
  return {
    wih: self[`weight_ih${suffix}`],
    whh: self[`weight_hh${suffix}`],
    bih: rnn.bias ? self[`bias_ih${suffix}`] : null,
    bhh: rnn.bias ? self[`bias_hh${suffix}`] : null,
  };
}

/** One step: the new hidden state (and cell state, for LSTM) from the projected input. */
function step(
  mode: Mode,
  gx: Tensor,
  c: Cell,
  h: Tensor,
  cs: Tensor | null,
): [Tensor, Tensor | null] {
  // RNN's and LSTM's hidden bias is already in gx (added once for the whole sequence)
  const gh = ad.linear(h, c.whh, mode === 'GRU' ? c.bhh : null);
  switch (mode) {
    case 'RNN_TANH':
      return [gx.add(gh).tanh(), null];
    case 'RNN_RELU':
      return [gx.add(gh).relu(), null];
    case 'LSTM': {
      // one sigmoid over all four gates (the cell gate's is unused) beats three on slices
      const gates = gx.add(gh);
      const [i, f, , o] = gates.sigmoid().chunk(4, -1);
      const hidden = gates.shape[gates.ndim - 1] / 4;
      const g = gates.narrow(-1, 2 * hidden, hidden).tanh();
      const cell = f.mul(cs as Tensor).add(i.mul(g));
      return [o.mul(cell.tanh()), cell];
    }
    case 'GRU': {
      const [xr, xz, xn] = gx.chunk(3, -1);
      const [hr, hz, hn] = gh.chunk(3, -1);
      const r = xr.add(hr).sigmoid();
      const z = xz.add(hz).sigmoid();
      const n = xn.add(hn.mul(r)).tanh();
      return [h.sub(n).mul(z).add(n), null];
    }
  }
}

/**
 * The layers over x [L, N, in], from initial states [layers·dirs, N, H]. Steps pass tensors
 * along as lists, one per step: a slice of a stacked sequence would send each step's
 * gradient back as a whole sequence of zeros around it (quadratic in L), a list sends it
 * to that step alone.
 */
function run(
  rnn: RNNBase,
  x: Tensor,
  h0: Tensor,
  c0: Tensor | null,
): [Tensor, Tensor, Tensor | null] {
  const steps = x.shape[0];
  const finalH: Tensor[] = [];
  const finalC: Tensor[] = [];
  let inputs = Array.from({ length: steps }, (_, t) => x.select(0, t));
  for (let layer = 0; layer < rnn.numLayers; layer++) {
    const outputs: Tensor[][] = [];
    for (let dir = 0; dir < rnn.directions; dir++) {
      const c = cellOf(rnn, layer, dir);
      const k = layer * rnn.directions + dir;
      // both biases at once, unless GRU needs b_hh apart
      const bias =
        rnn.mode === 'GRU' || c.bih === null || c.bhh === null ? c.bih : c.bih.add(c.bhh);
      let h = h0.select(0, k);
      let cs = c0 === null ? null : c0.select(0, k);
      const out: Tensor[] = new Array<Tensor>(steps);
      for (let s = 0; s < steps; s++) {
        const t = dir === 0 ? s : steps - 1 - s;
        [h, cs] = step(rnn.mode, ad.linear(inputs[t], c.wih, bias), c, h, cs);
        out[t] = h;
      }
      outputs.push(out);
      finalH.push(h);
      if (cs !== null) finalC.push(cs);
    }
    inputs =
      outputs.length === 1 ? outputs[0] : outputs[0].map((o, t) => ad.cat([o, outputs[1][t]], -1));
    if (rnn.dropout > 0 && rnn.training && layer < rnn.numLayers - 1)
      inputs = inputs.map((o) =>
        ad.functional.dropout(o, rnn.dropout, { generator: rnn.generator }),
      );
  }
  return [ad.stack(inputs, 0), ad.stack(finalH, 0), c0 === null ? null : ad.stack(finalC, 0)];
}

/** The input as [L, N, in] and the states' expected shape, checked. */
function layout(rnn: RNNBase, input: Tensor, states: (Tensor | undefined)[]) {
  if (
    !(input instanceof ad.Tensor) ||
    (input.ndim !== 2 && input.ndim !== 3) ||
    input.shape[input.ndim - 1] !== rnn.inputSize
  ) {
    const got = input instanceof ad.Tensor ? ad.formatShape(input.shape) : typeof input;
    const order = rnn.batchFirst ? 'N, L' : 'L, N';
    throw new ValueError(
      rnn.op,
      `expected input [${order}, ${rnn.inputSize}] or [L, ${rnn.inputSize}], got ${got}`,
    );
  }
  const batched = input.ndim === 3;
  const x = !batched ? input.unsqueeze(1) : rnn.batchFirst ? input.transpose(0, 1) : input;
  const n = x.shape[1];
  const stateShape = [rnn.numLayers * rnn.directions, ...(batched ? [n] : []), rnn.hiddenSize];
  for (const s of states) {
    if (s !== undefined && (!(s instanceof ad.Tensor) || s.shape.join() !== stateShape.join()))
      throw new ValueError(
        rnn.op,
        `initial states must be ${ad.formatShape(stateShape)}, got ${s instanceof ad.Tensor ? ad.formatShape(s.shape) : typeof s}`,
      );
  }
  const initial = (s: Tensor | undefined) =>
    s === undefined
      ? ad.zeros([stateShape[0], n, rnn.hiddenSize], { dtype: input.dtype })
      : batched
        ? s
        : s.unsqueeze(1);
  const output = (y: Tensor) => (!batched ? y.squeeze(1) : rnn.batchFirst ? y.transpose(0, 1) : y);
  const state = (s: Tensor) => (batched ? s : s.squeeze(1));
  return { x, initial, output, state };
}

/**
 * An Elman RNN (PyTorch's `RNN`): h' = tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh) (or relu).
 * `forward(input, h0?)` → [output, hN].
 */
export class RNN extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, opts: SimpleRNNOptions = {}) {
    const o = ad.checkOptions('RNN', opts, [...KEYS, 'nonlinearity']);
    const nonlinearity = ad.checkOneOf('RNN', 'nonlinearity', o.nonlinearity ?? 'tanh', [
      'tanh',
      'relu',
    ]);
    super('RNN', nonlinearity === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', inputSize, hiddenSize, opts);
  }

  forward(input: Tensor, h0?: Tensor): [Tensor, Tensor] {
    const { x, initial, output, state } = layout(this, input, [h0]);
    const [y, h] = run(this, x, initial(h0), null);
    return [output(y), state(h)];
  }
}

/**
 * Long short-term memory (PyTorch's `LSTM`, gates i, f, g, o). `forward(input, [h0, c0]?)` →
 * [output, [hN, cN]].
 */
export class LSTM extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, opts: RNNOptions = {}) {
    super('LSTM', 'LSTM', inputSize, hiddenSize, opts);
  }

  forward(input: Tensor, hx?: readonly [Tensor, Tensor]): [Tensor, [Tensor, Tensor]] {
    if (hx !== undefined && (!Array.isArray(hx) || hx.length !== 2))
      throw new ValueError('LSTM', 'initial states must be [h0, c0]');
    const { x, initial, output, state } = layout(this, input, hx === undefined ? [] : [...hx]);
    const [y, h, c] = run(this, x, initial(hx?.[0]), initial(hx?.[1]));
    return [output(y), [state(h), state(c as Tensor)]];
  }
}

/** Gated recurrent units (PyTorch's `GRU`, gates r, z, n). `forward(input, h0?)` → [output, hN]. */
export class GRU extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, opts: RNNOptions = {}) {
    super('GRU', 'GRU', inputSize, hiddenSize, opts);
  }

  forward(input: Tensor, h0?: Tensor): [Tensor, Tensor] {
    const { x, initial, output, state } = layout(this, input, [h0]);
    const [y, h] = run(this, x, initial(h0), null);
    return [output(y), state(h)];
  }
}
