// Worker threads for the WebAssembly kernels: each worker instantiates the same module on the
// same shared memory and waits on its slot of a control block there. The calling thread
// writes a queue of row blocks into that block, wakes the workers, and every thread takes
// the next block until none is left, so a thread the system delays holds up one block rather
// than a fixed share. The calls stay synchronous, as every op is. Node's worker_threads and
// browsers' Web Workers both work; no file is loaded (worker.ts's `serve` is sent as text).

import { serve, type WorkerData } from './worker';

/** Int32s per worker slot: state and the worker's scratch pointer. */
const SLOT = 4;
/** Workers a control block has slots for. */
export const MAX_WORKERS = 64;
/** Int32s of the queue's header (next job, job count, float64?) and per job (the gemm arguments). */
const HEADER = 3;
const JOB = 9;
const IDLE = 0;
const BUSY = 1;
const STARTING = -1;

/** One block of rows of a product, op(B) packed already: a, lda, packed, c, ldc, n, k, m, transA. */
export type GemmJob = [number, number, number, number, number, number, number, number, number];

/** A Node built-in module, or undefined outside Node (without importing it, so browsers load this file). */
export function nodeBuiltin<T>(id: string): T | undefined {
  const nodeProcess = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } })
    .process;
  return nodeProcess?.getBuiltinModule?.(id) as T | undefined;
}

interface NodeWorkerThreads {
  Worker: new (code: string, opts: { eval: true; workerData: unknown }) => { unref(): void };
}

const LAYOUT: WorkerData['layout'] = { slot: SLOT, header: HEADER, job: JOB, idle: IDLE };
// the worker's program: `serve`'s own text, bound to a fixed name whatever a bundler calls it
const SERVE = `const serve = ${String(serve)};`;

/** Starts one worker running `serve` with `data`; false where no kind of worker exists. */
function spawn(data: Omit<WorkerData, 'layout'>): boolean {
  const threads = nodeBuiltin<NodeWorkerThreads>('node:worker_threads');
  if (threads) {
    new threads.Worker(`${SERVE}\nserve(require('node:worker_threads').workerData);`, {
      eval: true,
      workerData: { ...data, layout: LAYOUT },
    }).unref();
    return true;
  }
  if (
    typeof Worker === 'function' &&
    typeof Blob === 'function' &&
    typeof URL.createObjectURL === 'function'
  ) {
    const url = URL.createObjectURL(
      new Blob([`${SERVE}\nonmessage = (e) => serve(e.data);`], { type: 'text/javascript' }),
    );
    new Worker(url).postMessage({ ...data, layout: LAYOUT });
    return true;
  }
  return false;
}

/** Whether this thread may block in Atomics.wait (not a browser's main thread). */
function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/** A pool of workers serving gemm calls on one shared memory. */
export class Pool {
  private readonly slots: Int32Array[] = [];
  private readonly blocking = canBlock();
  private readonly queue: number;

  /**
   * `control`: byte offset of a free area of `memory` for the workers' slots (1 KiB), then the
   * queue's header and jobs (36 bytes a job).
   */
  constructor(
    private readonly module: WebAssembly.Module,
    private readonly memory: WebAssembly.Memory,
    private readonly control: number,
  ) {
    this.queue = control + MAX_WORKERS * SLOT * 4;
  }

  /** Grows the pool to `size` workers (they start in the background) and returns how many are ready. */
  ready(size: number): number {
    while (this.slots.length < Math.min(size, MAX_WORKERS)) {
      const slot = this.control + this.slots.length * SLOT * 4;
      const s = new Int32Array(this.memory.buffer, slot, SLOT);
      Atomics.store(s, 0, STARTING);
      if (!spawn({ module: this.module, memory: this.memory, slot, queue: this.queue })) break;
      this.slots.push(s);
    }
    let n = 0;
    while (n < Math.min(size, this.slots.length) && Atomics.load(this.slots[n], 0) === IDLE) n++;
    return n;
  }

  /**
   * Runs `jobs` here and on the first `workers` ready workers, each thread taking the next
   * job until none is left; thread t (0 is this one) works in scratch `work(t)`.
   */
  run(
    f64: boolean,
    jobs: readonly GemmJob[],
    workers: number,
    work: (t: number) => number,
    gemm: (job: GemmJob, work: number) => void,
  ): void {
    const q = new Int32Array(this.memory.buffer, this.queue, HEADER + jobs.length * JOB);
    jobs.forEach((job, i) => q.set(job, HEADER + i * JOB));
    q[2] = f64 ? 1 : 0;
    Atomics.store(q, 1, jobs.length);
    Atomics.store(q, 0, 0);
    for (let w = 0; w < workers; w++) {
      const s = this.slots[w];
      s[1] = work(w + 1);
      Atomics.store(s, 0, BUSY);
      Atomics.notify(s, 0);
    }
    for (let i; (i = Atomics.add(q, 0, 1)) < jobs.length;) gemm(jobs[i], work(0));
    for (let w = 0; w < workers; w++) {
      const s = this.slots[w];
      const started = Date.now();
      while (Atomics.load(s, 0) !== IDLE) {
        if (this.blocking) Atomics.wait(s, 0, BUSY, 100);
        if (Date.now() - started > 60_000)
          throw new Error('matmul: a worker thread did not finish within a minute');
      }
    }
  }
}
