/**
 * The Node-only parts of `@ad/nn`: checkpoint files and a terminal progress bar. Kept out of
 * the main entry so that `@ad/nn` itself runs unchanged in browsers.
 * @module @ad/nn/node
 */
import {
  closeSync,
  fstatSync,
  fsyncSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { widenInPlace } from './half';
import { nodeWorkers } from './parallel/node-host';
// pure functions of bytes, bundled here as they are (they hold no classes of @ad/nn)
import { asFloats, decodeOptions, headerLength, parseHeader, readTensor } from './safetensors';
import { checkOptions, type Tensor, Tensor as TensorClass, ValueError } from '@ad/core';
import { SingleBar } from 'cli-progress';
// imported by package name, so that the built node entry shares @ad/nn's classes instead of
// bundling a second copy of them (instanceof Module must hold for the user's models)
import {
  type Callback,
  type CheckpointParts,
  type DecodeOptions,
  type EncodeOptions,
  encodeCheckpoint,
  encodeOnnx,
  encodeSafetensors,
  type Module,
  type OnnxOptions,
  type EpochLog,
  registerWorkerHost,
  restoreCheckpoint,
} from '@ad/nn';

/** Writes a checkpoint atomically (see `saveSafetensors`): a save killed midway changes nothing. */
export function saveCheckpoint(path: string, parts: CheckpointParts): void {
  checkPath('saveCheckpoint', path);
  writeAtomically(path, encodeCheckpoint(parts));
}

/**
 * Writes tensors by name as a safetensors file (atomically, as `saveCheckpoint` does), which
 * PyTorch reads with `safetensors.torch.load_file`; `dtype: 'F16' | 'BF16'` stores floating
 * tensors in half precision. A model's `stateDict()` saved here loads into the same
 * `torch.nn` model with `load_state_dict(strict=True)`.
 */
export function saveSafetensors(
  path: string,
  tensors: ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>>,
  opts: EncodeOptions & { metadata?: Record<string, string> } = {},
): void {
  checkPath('saveSafetensors', path);
  const { metadata, ...rest } = checkOptions('saveSafetensors', opts, ['dtype', 'metadata']);
  writeAtomically(path, encodeSafetensors(tensors, metadata, rest));
}

/**
 * Reads a safetensors file (PyTorch's `safetensors.torch.save_file`, F16/BF16 included) as
 * tensors by name, ready for `model.loadStateDict`; half precision widens to float32 and
 * `dtype` picks the floating dtype. The file's metadata is in `decodeSafetensors`.
 */
export function loadSafetensors(path: string, opts: DecodeOptions = {}): Record<string, Tensor> {
  checkPath('loadSafetensors', path);
  const floats = decodeOptions(opts);
  const fd = openSync(path, 'r');
  try {
    // each tensor is read straight into its own buffer: no copy of the file first
    const size = fstatSync(fd).size;
    const first = readAt(fd, new Uint8Array(Math.min(8, size)), 0);
    const head = readAt(fd, new Uint8Array(headerLength(first, size)), 0);
    const { headerEnd, specs } = parseHeader(head, size);
    const tensors: Record<string, Tensor> = {};
    for (const s of specs) {
      const at = headerEnd + s.begin;
      const bytes = s.end - s.begin;
      let t: Tensor;
      const Direct = LITTLE_ENDIAN ? DIRECT[s.code] : undefined;
      if ((s.code === 'F16' || s.code === 'BF16') && LITTLE_ENDIAN) {
        const out = new Float32Array(bytes / 2);
        readAt(fd, new Uint8Array(out.buffer, bytes, bytes), at);
        widenInPlace(out, s.code);
        t = new TensorClass(out, s.shape);
      } else if (Direct !== undefined) {
        const out = new Direct(bytes / Direct.BYTES_PER_ELEMENT);
        readAt(fd, new Uint8Array(out.buffer), at);
        t = new TensorClass(out, s.shape);
      } else t = readTensor(readAt(fd, new Uint8Array(bytes), at), s);
      tensors[s.name] = asFloats(t, floats);
    }
    return tensors;
  } finally {
    closeSync(fd);
  }
}

/** The dtypes whose file bytes are the tensor's own on a little-endian machine. */
const DIRECT: Record<
  string,
  Float32ArrayConstructor | Float64ArrayConstructor | Int32ArrayConstructor
> = {
  F32: Float32Array,
  F64: Float64Array,
  I32: Int32Array,
};
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Fills `into` from the file at `position` (in chunks: one read takes at most 2³¹ − 1 bytes). */
function readAt(fd: number, into: Uint8Array, position: number, chunk = 1 << 30): Uint8Array {
  for (let at = 0; at < into.length;) {
    const n = readSync(fd, into, at, Math.min(chunk, into.length - at), position + at);
    if (n === 0)
      throw new ValueError('loadSafetensors', `the file ended while reading byte ${position + at}`);
    at += n;
  }
  return into;
}

/**
 * Writes `model` as an ONNX file (see `encodeOnnx`: opset 17, traced on `sampleInputs`), for
 * onnxruntime and every runtime that reads ONNX.
 */
export function exportOnnx(
  model: Module,
  sampleInputs: Tensor | readonly Tensor[],
  path: string,
  opts: OnnxOptions = {},
): void {
  checkPath('exportOnnx', path);
  writeAtomically(path, encodeOnnx(model, sampleInputs, opts));
}

function checkPath(op: string, path: unknown): void {
  if (typeof path !== 'string' || path === '') throw new ValueError(op, 'path must be a file name');
}

/**
 * Writes `bytes` to a temporary file beside `path`, flushed, then renamed over it: a write
 * killed midway leaves `path` as it was and its temporary behind; the next write to the same
 * path removes such leftovers of processes that no longer run.
 */
function writeAtomically(path: string, bytes: Uint8Array): void {
  removeStaleTemporaries(path);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeAll(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Writes all of `bytes`; one `writeSync` takes at most 2³¹ − 1 bytes, so large files go in chunks. */
export function writeAll(fd: number, bytes: Uint8Array, chunk = 1 << 30): void {
  for (let at = 0; at < bytes.length;)
    at += writeSync(fd, bytes, at, Math.min(chunk, bytes.length - at));
}

/** The whole file; `readFileSync` refuses files of 2 GiB and more, so this reads in chunks. */
export function readAll(path: string, chunk = 1 << 30, op = 'loadCheckpoint'): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    // not zero-filled first: every byte is read over
    const bytes = new Uint8Array(Buffer.allocUnsafeSlow(fstatSync(fd).size).buffer);
    for (let at = 0; at < bytes.length;) {
      const n = readSync(fd, bytes, at, Math.min(chunk, bytes.length - at), at);
      if (n === 0)
        throw new ValueError(
          op,
          `${path} ended after ${at} of ${bytes.length} bytes while reading`,
        );
      at += n;
    }
    return bytes;
  } finally {
    closeSync(fd);
  }
}

/** Removes `.name.<pid>.tmp` files beside `path` whose process is gone (left by a crashed save). */
function removeStaleTemporaries(path: string): void {
  const dir = dirname(path);
  const pattern = new RegExp(
    `^\\.${basename(path).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d+)\\.tmp$`,
  );
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return; // the save itself will report a missing directory
  }
  for (const name of names) {
    const m = pattern.exec(name);
    if (m && !isRunning(Number(m[1]))) rmSync(join(dir, name), { force: true });
  }
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return false; // our own leftover: no save of ours is under way
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, but another user's
  }
}

/** Loads a checkpoint file into model, optimizer and generator (all or nothing); returns its `extra`. */
export function loadCheckpoint(path: string, parts: Omit<CheckpointParts, 'extra'>): unknown {
  checkPath('loadCheckpoint', path);
  return restoreCheckpoint(readAll(path), parts);
}

/**
 * A `fit` callback that shows progress: a live bar with the running loss on a terminal,
 * and one plain line per epoch when output is not a TTY (CI logs).
 */
export function progressBar(opts: { stream?: NodeJS.WriteStream; every?: number } = {}): Callback {
  const stream = opts.stream ?? process.stdout;
  const tty = Boolean(stream.isTTY);
  let bar: SingleBar | null = null;
  let epochs = 0;
  let line = (log: EpochLog) => {
    const extra = Object.entries(log)
      .filter(([k, v]) => !['epoch', 'loss', 'lr'].includes(k) && typeof v === 'number')
      .map(([k, v]) => `${k} ${(v as number).toFixed(4)}`);
    return `epoch ${String(log.epoch).padStart(String(epochs).length)}/${epochs}  loss ${log.loss.toFixed(4)}${extra.length ? `  ${extra.join('  ')}` : ''}`;
  };
  return {
    onTrainBegin({ epochs: n }) {
      epochs = n;
      if (tty) {
        bar = new SingleBar({
          format: 'training |{bar}| {percentage}% | epoch {value}/{total} | loss {loss}',
          stream,
          hideCursor: true,
          clearOnComplete: false,
        });
        bar.start(n, 0, { loss: '…' });
      }
    },
    onEpochEnd(log) {
      if (bar) bar.update(log.epoch, { loss: log.loss.toFixed(4) });
      else if (log.epoch % (opts.every ?? 1) === 0 || log.epoch === epochs)
        stream.write(`${line(log)}\n`);
    },
    onTrainEnd() {
      bar?.stop();
      line = () => '';
    },
  };
}
// the same class as @ad/nn's: this entry only gives it Node's worker threads
export { DataParallel, type DataParallelOptions } from '@ad/nn';

// DataParallel and fit({ workers }) run replicas on worker threads once this entry is loaded
registerWorkerHost(nodeWorkers);
