// Worker threads for the WebAssembly kernels: each worker instantiates the same module on the
// same shared memory and waits on its slot of a control block there; the calling thread
// writes a job into the slot, wakes the worker, does its own share and waits for the rest.
// The calls stay synchronous, as every op is. Node's worker_threads and browsers' Web Workers
// both work; no file is loaded (the worker's code is a string).

/** Int32s per worker slot: state, dtype and the 12 arguments of a gemm call. */
const SLOT = 16;
const IDLE = 0;
const BUSY = 1;
const STARTING = -1;

// The worker: instantiate, report ready, then serve jobs forever (it is never awaited).
const SERVE = `function serve({ module, memory, slot }) {
  const k = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error('wasm kernel aborted'); } } }).exports;
  const s = new Int32Array(memory.buffer, slot, ${SLOT});
  Atomics.store(s, 0, ${IDLE});
  Atomics.notify(s, 0);
  for (;;) {
    Atomics.wait(s, 0, ${IDLE});
    (s[1] ? k.gemmF64 : k.gemmF32)(s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], s[10], s[11], s[12], s[13]);
    Atomics.store(s, 0, ${IDLE});
    Atomics.notify(s, 0);
  }
}`;

/** The arguments of one gemm call: a, lda, b, ldb, c, ldc, n, k, m, transA, transB, work. */
export type GemmArgs = [number, number, number, number, number, number, number, number, number, number, number, number];

/** A Node built-in module, or undefined outside Node (without importing it, so browsers load this file). */
export function nodeBuiltin<T>(id: string): T | undefined {
  const nodeProcess = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return nodeProcess?.getBuiltinModule?.(id) as T | undefined;
}

interface NodeWorkerThreads {
  Worker: new (code: string, opts: { eval: true; workerData: unknown }) => { unref(): void };
}

/** Starts one worker running SERVE with `data`; null where no kind of worker exists. */
function spawn(data: { module: WebAssembly.Module; memory: WebAssembly.Memory; slot: number }): boolean {
  const threads = nodeBuiltin<NodeWorkerThreads>('node:worker_threads');
  if (threads) {
    new threads.Worker(`${SERVE}\nserve(require('node:worker_threads').workerData);`, { eval: true, workerData: data }).unref();
    return true;
  }
  if (typeof Worker === 'function' && typeof Blob === 'function' && typeof URL.createObjectURL === 'function') {
    const url = URL.createObjectURL(new Blob([`${SERVE}\nonmessage = (e) => serve(e.data);`], { type: 'text/javascript' }));
    new Worker(url).postMessage(data);
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

  /** `control`: byte offset of a free area of SLOT·4·size bytes in `memory` for the slots. */
  constructor(private readonly module: WebAssembly.Module, private readonly memory: WebAssembly.Memory, private readonly control: number) {}

  /** Grows the pool to `size` workers (they start in the background) and returns how many are ready. */
  ready(size: number): number {
    while (this.slots.length < size) {
      const slot = this.control + this.slots.length * SLOT * 4;
      const s = new Int32Array(this.memory.buffer, slot, SLOT);
      Atomics.store(s, 0, STARTING);
      if (!spawn({ module: this.module, memory: this.memory, slot })) break;
      this.slots.push(s);
    }
    let n = 0;
    while (n < Math.min(size, this.slots.length) && Atomics.load(this.slots[n], 0) === IDLE) n++;
    return n;
  }

  /** Runs jobs[0] here and jobs[1…] on the first ready workers, returning when all are done. */
  run(f64: boolean, jobs: GemmArgs[], here: (args: GemmArgs) => void): void {
    jobs.slice(1).forEach((args, w) => {
      const s = this.slots[w];
      s[1] = f64 ? 1 : 0;
      s.set(args, 2);
      Atomics.store(s, 0, BUSY);
      Atomics.notify(s, 0);
    });
    here(jobs[0]);
    for (let w = 0; w < jobs.length - 1; w++) {
      const s = this.slots[w];
      const started = Date.now();
      while (Atomics.load(s, 0) !== IDLE) {
        if (this.blocking) Atomics.wait(s, 0, BUSY, 100);
        if (Date.now() - started > 60_000) throw new Error('matmul: a worker thread did not finish within a minute');
      }
    }
  }
}
