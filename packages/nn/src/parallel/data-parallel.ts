// Data-parallel training on workers (PyTorch's DistributedDataParallel, on one machine):
// each worker replays the step on its shard of the batch, and the gradients are averaged in
// shared memory in rank order, so two runs are bitwise equal. Platform-neutral: a host
// starts the workers — Node's worker threads (registered by @ad/nn/node) or a browser's
// Web Workers (given the URL of @ad/core's ES module build).
import { checkInt, checkOptions, Tensor, ValueError } from '@ad/core';
import { Module } from '../module';
import { type Program, recordProgram } from './program';
import { CONTROL, type ReplicaData, serve, type VariantMessage } from './replica';

/** A started worker: what the main thread can do with it. */
export interface WorkerHandle {
  /** Sends the worker a message (a new program variant). */
  postMessage(message: unknown): void;
  /** Stops the worker. */
  terminate(): void;
}

/** Starts a worker running `serve` (given as source text) with `data`. */
export type WorkerHost = (boot: {
  serve: string;
  data: ReplicaData;
  control: typeof CONTROL;
}) => WorkerHandle;

let nodeHost: WorkerHost | null = null;

/** Called by `@ad/nn/node` on import: workers are Node's worker threads from then on. */
export function registerWorkerHost(host: WorkerHost): void {
  nodeHost = host;
}

/** Options of `DataParallel`. */
export interface DataParallelOptions {
  /** Worker threads, each with a replica (default 2). */
  workers?: number;
  /** Seeds the workers' generators (dropout): worker r draws from seed + r. */
  seed?: number;
  /**
   * In a browser: the URL of @ad/core's ES module build (`@ad/core/dist/index.mjs`), which
   * each Web Worker imports. Needs a cross-origin isolated page (SharedArrayBuffer), and a
   * worker to train in: a page's main thread may not block (Atomics.wait).
   */
  coreUrl?: string;
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
  private readonly threads: WorkerHandle[] = [];
  private readonly control = new Int32Array(new SharedArrayBuffer(CONTROL.bytes));
  private readonly shared: (Float32Array | Float64Array)[];
  /** The summed gradients, and each worker's loss. */
  private readonly sum: (Float32Array | Float64Array)[];
  private readonly losses: Float64Array[];
  private readonly variants = new Map<string, Variant>();
  private closed = false;
  /** Workers are a browser's: they start only while this thread is free. */
  private readonly web: boolean;

  constructor(
    /** The model the workers replicate; its parameters get the averaged gradients. */
    readonly model: Module,
    /** The loss of the model's outputs against the targets (a mean over the rows). */
    readonly loss: (output: Tensor, target: Tensor) => Tensor,
    opts: DataParallelOptions = {},
  ) {
    if (!(model instanceof Module)) throw new ValueError('DataParallel', 'model must be a Module');
    const o = checkOptions('DataParallel', opts, ['workers', 'seed', 'coreUrl']);
    this.web = o.coreUrl !== undefined;
    const host = this.web ? webHost(o.coreUrl as string) : nodeHost;
    if (host === null)
      throw new ValueError(
        'DataParallel',
        "no workers here: in Node import '@ad/nn/node' (it starts worker threads); in a browser pass coreUrl",
      );
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
      this.threads.push(host({ serve: String(serve), data, control: CONTROL }));
    }
  }

  /**
   * Resolves once every worker has started. In Node `backward` simply waits for them; in a
   * browser await this first: a worker's workers start only while it is free, and
   * `backward` blocks it.
   */
  async ready(): Promise<void> {
    for (let n; (n = Atomics.load(this.control, CONTROL.ready)) < this.workers;) {
      const wait = (
        Atomics as unknown as {
          waitAsync(a: Int32Array, i: number, v: number): { async: boolean; value: unknown };
        }
      ).waitAsync(this.control, CONTROL.ready, n);
      if (wait.async) await wait.value;
    }
  }

  /**
   * Sets every parameter's `.grad` to the gradient of `loss(model(x), y)` over the whole
   * batch, computed by the workers on their shards, and returns the loss.
   */
  backward(x: Tensor, y: Tensor): number {
    if (this.closed) throw new ValueError('DataParallel', 'backward after close()');
    if (this.web && Atomics.load(this.control, CONTROL.ready) < this.workers)
      throw new ValueError(
        'DataParallel',
        'the Web Workers have not started yet: await dp.ready() before the first backward',
      );
    if (!(x instanceof Tensor) || !(y instanceof Tensor))
      throw new ValueError('DataParallel', 'backward takes the inputs and targets as tensors');
    const now = this.model.parameters();
    if (now.length !== this.params.length || now.some((p, i) => p !== this.params[i]))
      throw new ValueError(
        'DataParallel',
        "the model's parameters were replaced since the workers were started: create a new DataParallel",
      );
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
      // copied out of shared memory first: TextDecoder refuses shared views in browsers
      const bytes = new Uint8Array(Atomics.load(this.control, CONTROL.messageLength));
      bytes.set(new Uint8Array(this.control.buffer, CONTROL.messageAt, bytes.length));
      this.close();
      throw new ValueError('DataParallel', `a worker failed: ${new TextDecoder().decode(bytes)}`);
    }
    // the workers summed their rows-weighted gradients in rank order: the same sums every run
    this.params.forEach((p, i) => {
      if (!p.requiresGrad) return; // a frozen parameter keeps no gradient, as in PyTorch
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
    for (const t of this.threads) t.terminate();
  }

  /** The program for shards of these shapes, recorded and sent to the workers the first time. */
  private variant(x: Tensor, y: Tensor, rows: number[]): Variant {
    // a program is traced for these shapes and these training flags (dropout on or off)
    const modes = this.model
      .modules()
      .map((m) => (m.training ? 1 : 0))
      .join('');
    const key = `${x.dtype}${x.shape.slice(1)}|${y.dtype}${y.shape.slice(1)}|${rows}|${modes}`;
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
      this.threads[r].postMessage(message);
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

/** Web Workers that import @ad/core from `coreUrl` (an ES module, resolved against the page). */
function webHost(coreUrl: string): WorkerHost {
  if (typeof coreUrl !== 'string')
    throw new ValueError('DataParallel', "coreUrl must be the URL of @ad/core's ES module build");
  if (typeof Worker !== 'function' || typeof Blob !== 'function')
    throw new ValueError(
      'DataParallel',
      'coreUrl is for browsers: this environment has no Web Workers',
    );
  if (typeof SharedArrayBuffer !== 'function' || globalThis.crossOriginIsolated === false)
    throw new ValueError(
      'DataParallel',
      'workers share memory: serve the page cross-origin isolated (COOP same-origin, COEP require-corp)',
    );
  const base = (globalThis as { location?: { href: string } }).location?.href;
  const url = new URL(coreUrl, base).href;
  return ({ serve: text, data, control }) => {
    const source = `import * as ad from ${JSON.stringify(url)};
const serve = (${text});
self.addEventListener('message', (e) => serve(ad, e.data.data, self, e.data.control), { once: true });`;
    const worker = new Worker(
      URL.createObjectURL(new Blob([source], { type: 'text/javascript' })),
      {
        type: 'module',
      },
    );
    worker.postMessage({ data, control });
    return worker;
  };
}
