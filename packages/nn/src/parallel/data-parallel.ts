// Data-parallel training on worker threads (PyTorch's DistributedDataParallel, on one
// machine): each worker replays the step on its shard of the batch, and the main thread
// averages their gradients in rank order, so two runs are bitwise equal.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  MessageChannel,
  type MessagePort,
  receiveMessageOnPort,
  Worker,
} from 'node:worker_threads';
import { checkInt, checkOptions, Tensor, ValueError } from '@ad/core';
// by package name, as the node entry imports @ad/nn (its built declarations, when built)
import type { Module } from '@ad/nn';
import { type Program, recordProgram } from './program';
import { CONTROL, type ReplicaData, serve, type VariantMessage } from './replica';

/** Options of `DataParallel`. */
export interface DataParallelOptions {
  /** Worker threads, each with a replica (default 2). */
  workers?: number;
  /** Seeds the workers' generators (dropout): worker r draws from seed + r. */
  seed?: number;
}

interface Variant {
  id: number;
  buffers: { x: SharedArrayBuffer; y: SharedArrayBuffer }[];
}

/**
 * `model` and `loss` replicated into worker threads. `backward(x, y)` splits the batch into
 * one contiguous shard per worker, each worker runs forward and backward on its shard, and
 * every parameter's `.grad` becomes the rows-weighted mean of the workers' gradients (summed
 * in rank order): the gradient of the mean loss over the whole batch, as one thread computes
 * it up to rounding. Then step the optimizer as usual. The step is traced once per shard
 * shape (like `torch.jit.trace`); models with buffers (BatchNorm's running statistics) are
 * refused in training mode, since each worker would see only its shard. Call `close()` when done.
 */
export class DataParallel {
  readonly workers: number;
  private readonly params: Tensor[];
  private readonly threads: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  private readonly control = new Int32Array(new SharedArrayBuffer(4 * (CONTROL.rows + 64)));
  private readonly shared: (Float32Array | Float64Array)[];
  /** The summed gradients, and each worker's loss. */
  private readonly sum: (Float32Array | Float64Array)[];
  private readonly losses: Float64Array[];
  private readonly variants = new Map<string, Variant>();
  private closed = false;

  constructor(
    /** The model the workers replicate; its parameters get the averaged gradients. */
    readonly model: Module,
    /** The loss of the model's outputs against the targets (a mean over the rows). */
    readonly loss: (output: Tensor, target: Tensor) => Tensor,
    opts: DataParallelOptions = {},
  ) {
    const o = checkOptions('DataParallel', opts, ['workers', 'seed']);
    this.workers = checkInt('DataParallel', 'workers', o.workers ?? 2, 1);
    if (this.workers > 64) throw new ValueError('DataParallel', 'at most 64 workers');
    if (typeof loss !== 'function')
      throw new ValueError('DataParallel', 'loss must be a function of (output, target)');
    const buffers = model.namedBuffers();
    if (buffers.length > 0)
      throw new ValueError(
        'DataParallel',
        `the model has buffers (${buffers.map(([k]) => k).join(', ')}): each worker would update them from its shard alone (use LayerNorm or GroupNorm instead of BatchNorm)`,
      );
    this.params = model.parameters();
    let bytes = 0;
    const layout = this.params.map((p) => {
      if (p.dtype !== 'float32' && p.dtype !== 'float64')
        throw new ValueError(
          'DataParallel',
          `parameters must be float32 or float64, got ${p.dtype}`,
        );
      bytes = Math.ceil(bytes / 8) * 8;
      const entry = { offset: bytes, shape: [...p.shape], dtype: p.dtype };
      bytes += p.size * p.data.BYTES_PER_ELEMENT;
      return entry;
    });
    const total = Math.ceil(bytes / 8) * 8;
    const params = new SharedArrayBuffer(total);
    this.shared = layout.map((l, i) => view(l.dtype, params, l.offset, this.params[i].size));
    const { core, esbuild } = coreLocation();
    const grads = Array.from({ length: this.workers }, () => new SharedArrayBuffer(total + 8));
    const sum = new SharedArrayBuffer(total);
    this.sum = layout.map((l, i) => view(l.dtype, sum, l.offset, this.params[i].size));
    this.losses = grads.map((g) => new Float64Array(g, total, 1));
    for (let rank = 0; rank < this.workers; rank++) {
      const data: ReplicaData = {
        rank,
        workers: this.workers,
        control: this.control.buffer as SharedArrayBuffer,
        params,
        layout,
        grads,
        sum,
        lossOffset: total,
        seed: o.seed ?? 0,
      };
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(BOOT, {
        eval: true,
        workerData: { data, port: port2, core, esbuild, serve: String(serve), control: CONTROL },
        transferList: [port2],
      });
      worker.unref();
      this.threads.push(worker);
      this.ports.push(port1);
    }
  }

  /**
   * Sets every parameter's `.grad` to the gradient of `loss(model(x), y)` over the whole
   * batch, computed by the workers on their shards, and returns the loss.
   */
  backward(x: Tensor, y: Tensor): number {
    if (this.closed) throw new ValueError('DataParallel', 'backward after close()');
    if (!(x instanceof Tensor) || !(y instanceof Tensor))
      throw new ValueError('DataParallel', 'backward takes the inputs and targets as tensors');
    const n = x.shape[0];
    if (x.ndim === 0 || y.ndim === 0 || y.shape[0] !== n)
      throw new ValueError(
        'DataParallel',
        `inputs [${x.shape}] and targets [${y.shape}] need the same number of rows`,
      );
    if (n < this.workers)
      throw new ValueError(
        'DataParallel',
        `a batch of ${n} rows cannot be split over ${this.workers} workers`,
      );
    const rows = Array.from(
      { length: this.workers },
      (_, r) => Math.floor(((r + 1) * n) / this.workers) - Math.floor((r * n) / this.workers),
    );
    const variant = this.variant(x, y, rows);
    let at = 0;
    rows.forEach((k, r) => {
      write(variant.buffers[r].x, x, at, k);
      write(variant.buffers[r].y, y, at, k);
      Atomics.store(this.control, CONTROL.rows + r, k);
      at += k;
    });
    this.params.forEach((p, i) => this.shared[i].set(p.data));
    Atomics.store(this.control, CONTROL.done, 0);
    Atomics.store(this.control, CONTROL.reduced, 0);
    Atomics.store(this.control, CONTROL.variant, variant.id);
    Atomics.add(this.control, CONTROL.seq, 1);
    Atomics.notify(this.control, CONTROL.seq);
    for (let done; (done = Atomics.load(this.control, CONTROL.reduced)) < this.workers;)
      Atomics.wait(this.control, CONTROL.reduced, done);
    if (Atomics.load(this.control, CONTROL.failed) !== 0) {
      const why = this.ports.map((p) => receiveMessageOnPort(p)?.message).find(Boolean);
      this.close();
      throw new ValueError(
        'DataParallel',
        `a worker failed: ${(why as { error?: string })?.error}`,
      );
    }
    // the workers summed their rows-weighted gradients in rank order: the same sums every run
    this.params.forEach((p, i) => {
      const g = new (this.sum[i].constructor as Float32ArrayConstructor)(p.size);
      g.set(this.sum[i]); // a copy out of shared memory (slice would go element by element)
      p.grad = new Tensor(g, p.shape);
    });
    let loss = 0;
    rows.forEach((k, r) => (loss += (k / n) * this.losses[r][0]));
    return loss;
  }

  /** Stops the workers. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.control, CONTROL.variant, -1);
    Atomics.add(this.control, CONTROL.seq, 1);
    Atomics.notify(this.control, CONTROL.seq);
    for (const t of this.threads) void t.terminate();
    for (const p of this.ports) p.close();
  }

  /** The program for shards of these shapes, recorded and sent to the workers the first time. */
  private variant(x: Tensor, y: Tensor, rows: number[]): Variant {
    const key = `${x.dtype}${x.shape.slice(1)}|${y.dtype}${y.shape.slice(1)}|${rows}`;
    const known = this.variants.get(key);
    if (known !== undefined) return known;
    const id = this.variants.size;
    const programs = new Map<number, Program>();
    const buffers = rows.map((k) => {
      if (!programs.has(k)) {
        const shard = (t: Tensor) => t.narrow(0, 0, k).contiguous();
        programs.set(
          k,
          recordProgram(this.params, shard(x), shard(y), (a, b) =>
            this.loss(this.model.forward(a) as Tensor, b),
          ),
        );
      }
      const bytes = (t: Tensor) =>
        new SharedArrayBuffer((t.size / t.shape[0]) * k * t.data.BYTES_PER_ELEMENT);
      return { x: bytes(x), y: bytes(y) };
    });
    rows.forEach((k, r) => {
      const message: VariantMessage = {
        variant: id,
        program: programs.get(k) as Program,
        x: { buffer: buffers[r].x, dtype: x.dtype, shape: [k, ...x.shape.slice(1)] },
        y: { buffer: buffers[r].y, dtype: y.dtype, shape: [k, ...y.shape.slice(1)] },
      };
      this.ports[r].postMessage(message);
    });
    const v = { id, buffers };
    this.variants.set(key, v);
    return v;
  }
}

function view(dtype: 'float32' | 'float64', buffer: SharedArrayBuffer, offset: number, n: number) {
  return dtype === 'float64'
    ? new Float64Array(buffer, offset, n)
    : new Float32Array(buffer, offset, n);
}

/** Copies rows at…at + k of `t` into a shard's shared buffer. */
function write(buffer: SharedArrayBuffer, t: Tensor, at: number, k: number): void {
  const per = t.size / t.shape[0];
  const Ctor = t.data.constructor as new (b: SharedArrayBuffer) => Float32Array;
  new Ctor(buffer).set(t.data.subarray(at * per, (at + k) * per));
}

/**
 * Where a worker loads @ad/core from: the installed package's CommonJS build, or, in a
 * checkout of this repository (tests, `npm run example`), its TypeScript sources, which the
 * worker compiles as it loads them — so that the workers run the same code as this thread.
 */
function coreLocation(): { core: string; esbuild?: string } {
  const require = createRequire(__filename);
  // this file itself as TypeScript (under ts-jest): @ad/core's sources are beside it
  const source = __filename.endsWith('.ts')
    ? join(__dirname, '..', '..', '..', 'core', 'src', 'index.ts')
    : join(dirname(require.resolve('@ad/core/package.json')), 'src', 'index.ts');
  if (existsSync(source)) return { core: source, esbuild: require.resolve('esbuild') };
  return { core: require.resolve('@ad/core') };
}

/** The worker's program: load @ad/core, then run `serve` (sent as text). */
const BOOT = `
const { workerData: w, receiveMessageOnPort } = require('node:worker_threads');
let ad;
try {
  if (w.esbuild) {
    const { transformSync } = require(w.esbuild);
    const { readFileSync } = require('node:fs');
    require.extensions['.ts'] = (m, file) =>
      m._compile(transformSync(readFileSync(file, 'utf8'), { loader: 'ts', format: 'cjs', target: 'es2022' }).code, file);
  }
  ad = require(w.core);
} catch (e) {
  // a replica that cannot start fails every step, so that the main thread never waits for it
  w.port.postMessage({ error: 'cannot load @ad/core from ' + w.core + ': ' + e.message });
  const c = new Int32Array(w.data.control);
  for (let seen = 0; ; ) {
    Atomics.wait(c, w.control.seq, seen);
    seen = Atomics.load(c, w.control.seq);
    Atomics.store(c, w.control.failed, 1);
    for (const k of [w.control.done, w.control.reduced]) { Atomics.add(c, k, 1); Atomics.notify(c, k); }
    if (Atomics.load(c, w.control.variant) < 0) break;
  }
}
if (ad) (0, eval)('(' + w.serve + ')')(ad, w.data, w.port, () => receiveMessageOnPort(w.port)?.message, w.control);
`;
