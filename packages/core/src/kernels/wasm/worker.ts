// A worker thread of the WebAssembly kernels. `serve` is sent to the worker as its source
// text (threads.ts starts it with `${serve}`), so that no file has to be loaded — in Node,
// in browsers and from a bundle alike. It is type-checked like the rest, but must stay
// self-contained: it may use only its argument and globals, never anything of this module.

/** The gemm exports a worker calls (the compiled kernels'). */
interface GemmExports {
  gemmF32(...args: number[]): void;
  gemmF64(...args: number[]): void;
}

/** What a worker is started with. */
export interface WorkerData {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** Byte offset of this worker's slot: [state, scratch pointer, …]. */
  slot: number;
  /** Byte offset of the job queue: [next job, job count, float64?], then the jobs. */
  queue: number;
  /** The layout constants (threads.ts owns them; a worker cannot import them). */
  layout: { slot: number; header: number; job: number; idle: number };
}

/** Instantiates the kernels on the shared memory, reports ready, then serves jobs forever. */
export function serve(data: WorkerData): void {
  const { module, memory, slot, queue, layout } = data;
  const env = {
    memory,
    abort() {
      throw new Error('wasm kernel aborted');
    },
  };
  const k = new WebAssembly.Instance(module, { env }).exports as unknown as GemmExports;
  const s = new Int32Array(memory.buffer, slot, layout.slot);
  const q = new Int32Array(memory.buffer, queue, layout.header);
  Atomics.store(s, 0, layout.idle);
  Atomics.notify(s, 0);
  for (;;) {
    Atomics.wait(s, 0, layout.idle);
    const count = q[1];
    const jobs = new Int32Array(memory.buffer, queue + layout.header * 4, count * layout.job);
    const gemm = q[2] ? k.gemmF64 : k.gemmF32;
    for (let i = Atomics.add(q, 0, 1); i < count; i = Atomics.add(q, 0, 1)) {
      const j = i * layout.job;
      gemm(
        jobs[j],
        jobs[j + 1],
        jobs[j + 2],
        jobs[j + 3],
        jobs[j + 4],
        jobs[j + 5],
        jobs[j + 6],
        jobs[j + 7],
        jobs[j + 8],
        s[1],
      );
    }
    Atomics.store(s, 0, layout.idle);
    Atomics.notify(s, 0);
  }
}
