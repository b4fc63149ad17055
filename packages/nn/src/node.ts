// Node-only parts of @ad/nn: checkpoint files and a terminal progress bar.
// Kept out of the main entry so that @ad/nn itself runs unchanged in browsers.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { SingleBar } from 'cli-progress';
import { type CheckpointParts, encodeCheckpoint, restoreCheckpoint } from './checkpoint';
import type { Callback, EpochLog } from './train';

/** Writes a checkpoint atomically: to a temporary file beside `path`, flushed, then renamed over it. */
export function saveCheckpoint(path: string, parts: CheckpointParts): void {
  const bytes = encodeCheckpoint(parts);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, bytes);
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

/** Loads a checkpoint file into model, optimizer and generator (all or nothing); returns its `extra`. */
export function loadCheckpoint(path: string, parts: Omit<CheckpointParts, 'extra'>): unknown {
  return restoreCheckpoint(new Uint8Array(readFileSync(path)), parts);
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
        bar = new SingleBar({ format: 'training |{bar}| {percentage}% | epoch {value}/{total} | loss {loss}', stream, hideCursor: true, clearOnComplete: false });
        bar.start(n, 0, { loss: '…' });
      }
    },
    onEpochEnd(log) {
      if (bar) bar.update(log.epoch, { loss: log.loss.toFixed(4) });
      else if (log.epoch % (opts.every ?? 1) === 0 || log.epoch === epochs) stream.write(`${line(log)}\n`);
    },
    onTrainEnd() {
      bar?.stop();
      line = () => '';
    },
  };
}
