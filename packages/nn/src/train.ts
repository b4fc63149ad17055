import {
  checkInt,
  checkNumber,
  checkOneOf,
  checkOptions,
  compile,
  type CompileOptions,
  noGrad,
  type Tensor,
  Tensor as TensorClass,
  ValueError,
} from '@ad/core';
import { DataLoader, TensorDataset } from './data';
import { Module } from './module';
import { DataParallel, type DataParallelOptions } from './parallel/data-parallel';
import { Optimizer } from './optim/optimizer';
import type { LRScheduler, ReduceLROnPlateau } from './optim/scheduler';

/** Anything with a forward pass; a Module's train/eval switch is used when present. */
export interface Model {
  /** The model's prediction for a batch: a Tensor (checked on every call). */
  forward(x: Tensor): unknown;
  /** Switches to training mode (called at the start of every epoch). */
  train?(mode?: boolean): unknown;
  /** Switches to evaluation mode (called before validation). */
  eval?(): unknown;
}

/** A metric of a batch's outputs against its targets; averaged over samples per epoch. */
export type MetricFn = (output: Tensor, target: Tensor) => number;

/** The share of correct predictions: argmax for [N, C] outputs, output > threshold for [N] or [N, 1]. */
export function accuracy(output: Tensor, target: Tensor, threshold = 0.5): number {
  metricArgs('accuracy', output, target);
  checkNumber('accuracy', 'threshold', threshold, { finite: false });
  return noGrad(() => {
    const predicted =
      output.ndim === 2 && output.shape[1] > 1
        ? output.argmax(1)
        : output.reshape([-1]).gt(threshold);
    return predicted
      .eq(target.reshape([-1]))
      .cast('float64')
      .mean()
      .item();
  });
}

function metricArgs(op: string, output: unknown, target: unknown): void {
  if (!(output instanceof TensorClass) || !(target instanceof TensorClass))
    throw new ValueError(op, 'takes two tensors (output, target)');
}

/** Mean squared error as a number. */
export function mse(output: Tensor, target: Tensor): number {
  metricArgs('mse', output, target);
  return noGrad(() => output.sub(target).square().mean().item());
}

/** One epoch's record: training loss, validation loss and metrics, learning rate. */
export interface EpochLog {
  epoch: number;
  loss: number;
  lr: number;
  valLoss?: number;
  [metric: string]: number | undefined;
}

/** Hooks into `fit`; returning `'stop'` from onEpochEnd ends training after that epoch. */
export interface Callback {
  /** Before the first epoch. */
  onTrainBegin?(info: { epochs: number; batchesPerEpoch: number }): void;
  /** After each optimizer step, with that batch's loss. */
  onBatchEnd?(info: { epoch: number; batch: number; loss: number }): void;
  /** After each epoch (and its validation), with its log. */
  onEpochEnd?(log: EpochLog): 'stop' | void;
  /** After the last epoch, with every epoch's log. */
  onTrainEnd?(history: EpochLog[]): void;
}

/** What `fit` trains on and how. */
export interface FitOptions {
  train: TensorDataset | DataLoader;
  validation?: TensorDataset;
  /** The loss of a batch's outputs against its targets, e.g. `mseLoss`. */
  loss: (output: Tensor, target: Tensor) => Tensor;
  optimizer: Optimizer<{ lr: number }>;
  epochs: number;
  /** Used when `train` is a dataset (default 32); shuffled with `generator` unless shuffle is false. */
  batchSize?: number;
  shuffle?: boolean;
  generator?: import('@ad/core').Generator;
  /** Stepped once per epoch; a ReduceLROnPlateau gets the validation loss (or the training loss). */
  scheduler?: LRScheduler | ReduceLROnPlateau;
  metrics?: Record<string, MetricFn>;
  callbacks?: Callback[];
  /**
   * Compile the training step with `ad.compile` (options, or true for the defaults): each
   * batch replays the recorded forward, backward and optimizer step. The results equal
   * uncompiled training's; a module guards itself (a replaced parameter or `eval()` records again).
   */
  compile?: boolean | CompileOptions;
  /**
   * Data-parallel training on this many workers, or with these `DataParallel` options: each
   * batch is split over the workers and their gradients averaged (in Node `import
   * '@ad/nn/node'` provides worker threads; in a browser pass `coreUrl`). The model must
   * be a Module.
   */
  workers?: number | DataParallelOptions;
}

/** Trains `model` for `epochs` passes and returns one log per epoch. */
export function fit(model: Model, opts: FitOptions): EpochLog[] {
  if (opts === null || typeof opts !== 'object')
    throw new ValueError('fit', 'expected fit(model, { train, loss, optimizer, epochs, … })');
  checkOptions('fit', opts, [
    'train',
    'validation',
    'loss',
    'optimizer',
    'epochs',
    'batchSize',
    'shuffle',
    'generator',
    'scheduler',
    'metrics',
    'callbacks',
    'compile',
    'workers',
  ]);
  if (typeof model?.forward !== 'function')
    throw new ValueError('fit', 'model must have a forward method');
  const { compile: compiling = false } = opts;
  if (typeof compiling !== 'boolean' && (typeof compiling !== 'object' || compiling === null))
    throw new ValueError('fit', 'compile must be a boolean or compile options');
  if (typeof opts.loss !== 'function')
    throw new ValueError('fit', 'loss must be a function of (output, target)');
  if (!(opts.optimizer instanceof Optimizer))
    throw new ValueError('fit', 'optimizer must be an Optimizer');
  if (!(opts.train instanceof DataLoader || opts.train instanceof TensorDataset))
    throw new ValueError('fit', 'train must be a TensorDataset or a DataLoader');
  checkInt('fit', 'epochs', opts.epochs, 0);
  const loader =
    opts.train instanceof DataLoader
      ? opts.train
      : new DataLoader(opts.train, {
          batchSize: opts.batchSize ?? 32,
          shuffle: opts.shuffle ?? true,
          generator: opts.generator,
        });
  const { optimizer, loss: lossOf } = opts;
  const trainer = opts.workers === undefined ? null : startWorkers(model, opts, compiling);
  const trainStep = (x: Tensor, y: Tensor): Tensor | number => {
    optimizer.zeroGrad();
    if (trainer !== null) {
      const value = trainer.backward(x, y);
      optimizer.step();
      return value;
    }
    const loss = lossOf(prediction('fit', model, x), y);
    loss.backward();
    optimizer.step();
    return loss;
  };
  const step: (x: Tensor, y: Tensor) => Tensor | number = compiling
    ? (compile(trainStep, compiling === true ? {} : compiling) as (x: Tensor, y: Tensor) => Tensor)
    : trainStep;
  try {
    return epochs(model, opts, loader, step);
  } finally {
    trainer?.close();
  }
}

function startWorkers(
  model: Model,
  opts: FitOptions,
  compiling: boolean | CompileOptions,
): DataParallel {
  if (compiling !== false)
    throw new ValueError('fit', 'workers and compile cannot be combined: choose one');
  if (!(model instanceof Module))
    throw new ValueError('fit', 'training on workers needs the model to be a Module');
  const { workers } = opts;
  return new DataParallel(
    model,
    opts.loss,
    typeof workers === 'number' ? { workers: checkInt('fit', 'workers', workers, 1) } : workers,
  );
}

function epochs(
  model: Model,
  opts: FitOptions,
  loader: DataLoader,
  step: (x: Tensor, y: Tensor) => Tensor | number,
): EpochLog[] {
  const callbacks = opts.callbacks ?? [];
  const history: EpochLog[] = [];
  callbacks.forEach((c) =>
    c.onTrainBegin?.({ epochs: opts.epochs, batchesPerEpoch: loader.length }),
  );
  for (let epoch = 1; epoch <= opts.epochs; epoch++) {
    model.train?.(true);
    let total = 0;
    let count = 0;
    let batch = 0;
    for (const [x, y] of loader) {
      const out = step(x, y);
      const value = typeof out === 'number' ? out : out.item();
      total += value * x.shape[0];
      count += x.shape[0];
      callbacks.forEach((c) => c.onBatchEnd?.({ epoch, batch: batch++, loss: value }));
    }
    const log: EpochLog = {
      epoch,
      loss: total / Math.max(count, 1),
      lr: opts.optimizer.paramGroups[0].lr,
    };
    if (opts.validation) {
      const v = evaluate(model, opts.validation, { loss: opts.loss, metrics: opts.metrics });
      for (const [k, value] of Object.entries(v))
        log[k === 'loss' ? 'valLoss' : `val${capitalize(k)}`] = value;
    }
    stepScheduler(opts.scheduler, log.valLoss ?? log.loss);
    history.push(log);
    const stop = callbacks.map((c) => c.onEpochEnd?.(log)).includes('stop');
    if (stop) break;
  }
  callbacks.forEach((c) => c.onTrainEnd?.(history));
  return history;
}

function stepScheduler(s: LRScheduler | ReduceLROnPlateau | undefined, metric: number): void {
  if (s === undefined) return;
  if ('opts' in s) s.step(metric);
  else s.step();
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Loss and metrics of `model` on a dataset, in eval mode and without recording. */
export function evaluate(
  model: Model,
  data: TensorDataset,
  opts: {
    loss?: (output: Tensor, target: Tensor) => Tensor;
    metrics?: Record<string, MetricFn>;
    batchSize?: number;
  } = {},
): Record<string, number> {
  if (typeof model?.forward !== 'function')
    throw new ValueError('evaluate', 'model must have a forward method');
  if (!(data instanceof TensorDataset))
    throw new ValueError('evaluate', 'data must be a TensorDataset');
  opts = checkOptions('evaluate', opts, ['loss', 'metrics', 'batchSize']);
  if (opts.loss !== undefined && typeof opts.loss !== 'function')
    throw new ValueError('evaluate', 'loss must be a function');
  if (
    opts.metrics !== undefined &&
    (typeof opts.metrics !== 'object' ||
      opts.metrics === null ||
      Object.values(opts.metrics).some((f) => typeof f !== 'function'))
  ) {
    throw new ValueError('evaluate', 'metrics must be an object of functions');
  }
  model.eval?.();
  const sums: Record<string, number> = {};
  let count = 0;
  noGrad(() => {
    for (const [x, y] of new DataLoader(data, { batchSize: opts.batchSize ?? 1024 })) {
      const out = prediction('evaluate', model, x);
      const n = x.shape[0];
      if (opts.loss) sums.loss = (sums.loss ?? 0) + opts.loss(out, y).item() * n;
      for (const [k, f] of Object.entries(opts.metrics ?? {}))
        sums[k] = (sums[k] ?? 0) + f(out, y) * n;
      count += n;
    }
  });
  model.train?.(true);
  return Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v / Math.max(count, 1)]));
}

/** Stops training when `monitor` has not improved by `minDelta` for `patience` epochs. */
export function earlyStopping(
  opts: { monitor?: string; patience?: number; minDelta?: number; mode?: 'min' | 'max' } = {},
): Callback & { stoppedEpoch: number | null } {
  const {
    monitor = 'valLoss',
    patience = 5,
    minDelta = 0,
    mode = 'min',
  } = checkOptions('earlyStopping', opts, ['monitor', 'patience', 'minDelta', 'mode']);
  if (typeof monitor !== 'string')
    throw new ValueError('earlyStopping', 'monitor must be the name of a logged value');
  checkInt('earlyStopping', 'patience', patience, 0);
  checkNumber('earlyStopping', 'minDelta', minDelta, { min: 0 });
  checkOneOf('earlyStopping', 'mode', mode, ['min', 'max']);
  let best = mode === 'min' ? Infinity : -Infinity;
  let wait = 0;
  const cb = {
    stoppedEpoch: null as number | null,
    onEpochEnd(log: EpochLog): 'stop' | void {
      const v = log[monitor] ?? (monitor === 'valLoss' ? log.loss : undefined);
      if (v === undefined)
        throw new ValueError(
          'earlyStopping',
          `no '${monitor}' in the epoch log (has ${Object.keys(log).join(', ')})`,
        );
      const better = mode === 'min' ? v < best - minDelta : v > best + minDelta;
      if (better) {
        best = v;
        wait = 0;
      } else if (++wait >= patience) {
        cb.stoppedEpoch = log.epoch;
        return 'stop';
      }
    },
  };
  return cb;
}

/** model.forward(x), checked to be a tensor: a layer that returns a tuple needs a wrapper. */
function prediction(op: string, model: Model, x: Tensor): Tensor {
  const y = model.forward(x);
  if (!(y instanceof TensorClass))
    throw new ValueError(
      op,
      `model.forward returned ${Array.isArray(y) ? 'an array' : typeof y}, not a Tensor: pick the prediction in a forward of your own`,
    );
  return y;
}
