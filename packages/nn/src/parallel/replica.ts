// What each worker runs (a Node worker thread or a browser's Web Worker): a replica of the
// step. It waits on the control block, replays the step's program on its shard of the batch
// with the parameters in shared memory, runs backward, and leaves its loss and gradients in
// its own slots. `serve` is sent to the worker as text, so it refers to nothing outside
// itself but its arguments. Everything it tells the main thread goes through shared memory,
// which a blocked thread can still read.
import type * as Core from '@ad/core';
import type { Encoded, Program } from './program';

/** Int32 indices of the control block. */
export const CONTROL = {
  /** Bumped by the main thread to start a step (workers wait on it). */
  seq: 0,
  /** The program variant to run; −1 to stop. */
  variant: 1,
  /** Workers finished with the current step (the main thread waits on it). */
  done: 2,
  /** Set by a worker that failed; its message is in the control block's last bytes. */
  failed: 3,
  /** Workers that summed their share of the gradients (the main thread waits on it). */
  reduced: 4,
  /** Rows of the batch each worker has this step: at [5 + rank]. */
  rows: 5,
  /** Workers started and listening. */
  ready: 69,
  /** The byte length of a failure's message (UTF-8, at byte `messageAt`). */
  messageLength: 70,
  messageAt: 512,
  /** Bytes of the control block. */
  bytes: 4096,
} as const;

/** What a worker gets when it starts. */
export interface ReplicaData {
  rank: number;
  control: SharedArrayBuffer;
  /** The parameters, each at its offset (float32 or float64 by its dtype). */
  params: SharedArrayBuffer;
  layout: { offset: number; shape: number[]; dtype: 'float32' | 'float64' }[];
  workers: number;
  /**
   * Every worker's gradients (weighted by its share of the rows), laid out as the
   * parameters, then its loss as a float64; the summed gradients are `sum`, laid out alike.
   */
  grads: SharedArrayBuffer[];
  sum: SharedArrayBuffer;
  lossOffset: number;
  seed: number;
}

/** A new program variant, or the shared buffers a shard of a new shape is written to. */
export interface VariantMessage {
  variant: number;
  program: Program;
  /** This worker's inputs and targets: their buffer, dtypes and shapes. */
  x: { buffer: SharedArrayBuffer; dtype: string; shape: number[] };
  y: { buffer: SharedArrayBuffer; dtype: string; shape: number[] };
}

type Ad = typeof Core;
/** Where variants arrive: a Node MessagePort or a Web Worker's global scope. */
interface Inbox {
  addEventListener(type: 'message', listener: (e: { data: unknown }) => void): void;
  start?(): void;
}

export async function serve(ad: Ad, data: ReplicaData, inbox: Inbox, C: typeof CONTROL) {
  const ctrl = new Int32Array(data.control);
  const variants = new Map<number, VariantMessage>();
  let arrived: (() => void) | null = null;
  inbox.addEventListener('message', (e) => {
    const m = e.data as VariantMessage;
    variants.set(m.variant, m);
    arrived?.();
  });
  inbox.start?.();
  // one thread per replica: the replicas themselves fill the cores
  ad.setBackend({ threads: 1 });
  const generator = new ad.Generator(data.seed + data.rank);
  const typed = (dtype: string, buffer: ArrayBufferLike, offset: number, n: number) =>
    dtype === 'float64'
      ? new Float64Array(buffer, offset, n)
      : dtype === 'int32'
        ? new Int32Array(buffer, offset, n)
        : dtype === 'bool'
          ? new Uint8Array(buffer, offset, n)
          : new Float32Array(buffer, offset, n);
  const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
  // out of shared memory with set (a copy), not slice (element by element there)
  const copy = <A extends Float32Array | Float64Array | Int32Array | Uint8Array>(a: A): A => {
    const out = new (a.constructor as new (n: number) => A)(a.length);
    out.set(a);
    return out;
  };
  const constants = (c: Program['constants'][number]) => {
    const values = c.data;
    const data =
      c.dtype === 'float64'
        ? Float64Array.from(values)
        : c.dtype === 'int32'
          ? Int32Array.from(values)
          : c.dtype === 'bool'
            ? Uint8Array.from(values)
            : Float32Array.from(values);
    return new ad.Tensor(data, c.shape);
  };
  // the parameters in this worker's own memory, refreshed from the shared copy every step:
  // kernels read private buffers faster than shared ones
  const shared = data.layout.map((l) => typed(l.dtype, data.params, l.offset, size(l.shape)));
  const params = data.layout.map((l, i) => new ad.Tensor(copy(shared[i]), l.shape).requiresGrad_());
  const views = (buffer: SharedArrayBuffer) =>
    data.layout.map((l) => typed(l.dtype, buffer, l.offset, size(l.shape)));
  const all = data.grads.map(views);
  const grads = all[data.rank];
  const sum = views(data.sum);
  const loss = new Float64Array(data.grads[data.rank], data.lossOffset, 1);
  const resolve = (name: string): ((...a: unknown[]) => unknown) => {
    const space = name.startsWith('functional.') ? ad.functional : ad;
    return (space as unknown as Record<string, (...a: unknown[]) => unknown>)[
      name.replace(/^functional\./, '')
    ];
  };
  const flatten = (x: unknown, out: Core.Tensor[]): Core.Tensor[] => {
    if (x instanceof ad.Tensor) out.push(x);
    else if (Array.isArray(x)) for (const v of x) flatten(v, out);
    else if (x !== null && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype)
      for (const v of Object.values(x)) flatten(v, out);
    return out;
  };

  /**
   * A variant's step, compiled (`ad.compile`) on its first run: replays then run straight
   * into buffers allocated once, with no tape, which also spares the replicas from
   * contending for memory as eager steps allocating every result do.
   */
  const steps = new Map<VariantMessage, (x: Core.Tensor, y: Core.Tensor) => Core.Tensor>();
  function compiled(v: VariantMessage): (x: Core.Tensor, y: Core.Tensor) => Core.Tensor {
    const known = steps.get(v);
    if (known !== undefined) return known;
    const { program } = v;
    const fixed = program.constants.map(constants);
    const run = ad.compile((x: Core.Tensor, y: Core.Tensor) => {
      const slots: Core.Tensor[] = new Array(program.slots);
      params.forEach((p, i) => (slots[i] = p));
      slots[params.length] = x;
      slots[params.length + 1] = y;
      program.constants.forEach((c, i) => (slots[c.slot] = fixed[i]));
      const decode = (e: Encoded): unknown => {
        if (Array.isArray(e)) return e.map(decode);
        if (e !== null && typeof e === 'object') {
          if ('$t' in e) return slots[(e as { $t: number }).$t];
          if ('$g' in e) return generator;
          return Object.fromEntries(Object.entries(e).map(([k, x]) => [k, decode(x)]));
        }
        return e;
      };
      for (const c of program.calls) {
        const out = flatten(resolve(c.name)(...c.args.map(decode)), []);
        c.outs.forEach((slot, i) => (slots[slot] = out[i]));
      }
      for (const p of params) p.grad = null;
      const l = slots[program.loss];
      l.backward();
      return l;
    });
    steps.set(v, run);
    return run;
  }

  function step(v: VariantMessage): void {
    // written as an optimizer writes a parameter: its version bumps, so nothing keeps old values
    params.forEach((p, i) => ad.writeInPlace(p, (data) => data.set(shared[i])));
    // the shard is read where it lies: a replay copies its arguments into its own buffers
    const shard = (s: VariantMessage['x']) =>
      new ad.Tensor(typed(s.dtype, s.buffer, 0, size(s.shape)), s.shape);
    const l = compiled(v)(shard(v.x), shard(v.y));
    params.forEach((p, i) => {
      if (p.grad === null) grads[i].fill(0);
      else grads[i].set(p.grad.data);
    });
    loss[0] = l.item();
  }

  /**
   * Sums this worker's slice of every gradient over the workers, each weighted by its share
   * of the rows, in rank order (in float64, rounded once): the gradient of the mean loss over
   * the whole batch. One pass reads two ranks and, with two workers, writes the sum.
   */
  const slices = sum.map((s) => {
    const lo = Math.floor((data.rank * s.length) / data.workers);
    const hi = Math.floor(((data.rank + 1) * s.length) / data.workers);
    return [lo, hi, new Float64Array(data.workers > 2 ? hi - lo : 0)] as const;
  });
  function reduce(): void {
    const n = data.workers;
    let total = 0;
    for (let r = 0; r < n; r++) total += Atomics.load(ctrl, C.rows + r);
    const w = Array.from({ length: n }, (_, r) => Atomics.load(ctrl, C.rows + r) / total);
    if (n === 1) {
      // one worker: its gradients are the sum (w = 1), copied as they are
      sum.forEach((s, i) => s.set(all[0][i]));
      return;
    }
    sum.forEach((s, i) => {
      const [lo, hi, acc] = slices[i];
      const a = all[0][i];
      const b = all[1][i];
      const wa = w[0];
      const wb = w[1];
      if (n === 2) {
        for (let j = lo; j < hi; j++) s[j] = 0 + wa * a[j] + wb * b[j];
        return;
      }
      for (let j = lo; j < hi; j++) acc[j - lo] = 0 + wa * a[j] + wb * b[j];
      for (let r = 2; r < n - 1; r++) {
        const g = all[r][i];
        const wr = w[r];
        for (let j = lo; j < hi; j++) acc[j - lo] += wr * g[j];
      }
      const g = all[n - 1][i];
      const wl = w[n - 1];
      for (let j = lo; j < hi; j++) s[j] = acc[j - lo] + wl * g[j];
    });
  }

  const fail = (e: unknown) => {
    const text = new TextEncoder().encode(e instanceof Error ? e.message : String(e));
    const n = Math.min(text.length, C.bytes - C.messageAt);
    new Uint8Array(data.control, C.messageAt, n).set(text.subarray(0, n));
    Atomics.store(ctrl, C.messageLength, n);
    Atomics.store(ctrl, C.failed, 1);
  };

  Atomics.add(ctrl, C.ready, 1);
  Atomics.notify(ctrl, C.ready);
  let seen = 0;
  for (;;) {
    // blocking (a wake-up through the event loop costs milliseconds); a new variant's message
    // is awaited below, which lets the event loop deliver it
    Atomics.wait(ctrl, C.seq, seen);
    seen = Atomics.load(ctrl, C.seq);
    const id = Atomics.load(ctrl, C.variant);
    if (id < 0) return;
    try {
      while (!variants.has(id)) await new Promise<void>((r) => (arrived = r));
      step(variants.get(id) as VariantMessage);
    } catch (e) {
      fail(e);
    }
    Atomics.add(ctrl, C.done, 1);
    Atomics.notify(ctrl, C.done);
    // once every worker is done, each sums its slice of the gradients (a reduce-scatter)
    for (let done; (done = Atomics.load(ctrl, C.done)) < data.workers;)
      Atomics.wait(ctrl, C.done, done);
    if (Atomics.load(ctrl, C.failed) === 0) reduce();
    Atomics.add(ctrl, C.reduced, 1);
    Atomics.notify(ctrl, C.reduced);
  }
}
