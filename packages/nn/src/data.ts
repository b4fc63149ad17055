import * as ad from '@ad/core';
import { defaultGenerator, formatShape, type Generator, ShapeError, type Tensor, ValueError } from '@ad/core';

/** Samples stored as tensors that share their first dim (PyTorch's `TensorDataset`). */
export class TensorDataset {
  readonly tensors: Tensor[];

  constructor(...tensors: Tensor[]) {
    if (tensors.length === 0) throw new ValueError('TensorDataset', 'needs at least one tensor');
    const n = tensors[0].shape[0];
    if (tensors.some((t) => t.ndim === 0 || t.shape[0] !== n)) {
      throw new ShapeError('TensorDataset', `tensors must share their first dim, got ${tensors.map((t) => formatShape(t.shape)).join(', ')}`);
    }
    this.tensors = tensors;
  }

  get length(): number {
    return this.tensors[0].shape[0];
  }

  /** The samples at `indices`, one tensor per stored tensor. */
  take(indices: readonly number[] | Tensor): Tensor[] {
    return this.tensors.map((t) => t.indexSelect(0, indices));
  }
}

/** Options of `DataLoader`. */
export interface DataLoaderOptions {
  /** Samples per batch: 1 is online learning, the dataset size is full-batch. */
  batchSize?: number;
  /** Reshuffle at the start of every pass, drawing from `generator`. */
  shuffle?: boolean;
  /** Leave out a last batch smaller than batchSize. */
  dropLast?: boolean;
  generator?: Generator;
}

/** Iterates a dataset in batches (PyTorch's `DataLoader`); each batch is one tensor per stored tensor. */
export class DataLoader implements Iterable<Tensor[]> {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  private readonly generator: Generator;

  constructor(readonly dataset: TensorDataset, opts: DataLoaderOptions = {}) {
    this.batchSize = opts.batchSize ?? 1;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) {
      throw new ValueError('DataLoader', `batchSize must be a positive integer, got ${this.batchSize}`);
    }
    this.shuffle = opts.shuffle ?? false;
    this.dropLast = opts.dropLast ?? false;
    this.generator = opts.generator ?? defaultGenerator;
  }

  /** Number of batches per pass. */
  get length(): number {
    const n = this.dataset.length / this.batchSize;
    return this.dropLast ? Math.floor(n) : Math.ceil(n);
  }

  /** Yields the batches of one pass over the dataset, reshuffled first when `shuffle` is set. */
  *[Symbol.iterator](): Iterator<Tensor[]> {
    const n = this.dataset.length;
    const order = this.shuffle ? ad.randperm(n, { generator: this.generator }).toFlatArray() : Array.from({ length: n }, (_, i) => i);
    for (let b = 0; b < this.length; b++) {
      yield this.dataset.take(order.slice(b * this.batchSize, (b + 1) * this.batchSize));
    }
  }
}

/** Splits a dataset into train and test parts (test gets round(testSize·n) samples). */
export function trainTestSplit(dataset: TensorDataset, opts: { testSize?: number; shuffle?: boolean; generator?: Generator } = {}): [TensorDataset, TensorDataset] {
  const n = dataset.length;
  const testSize = opts.testSize ?? 0.25;
  if (!(testSize > 0 && testSize < 1)) throw new ValueError('trainTestSplit', `testSize must be in (0, 1), got ${testSize}`);
  const nTest = Math.round(n * testSize);
  const order = opts.shuffle === false ? Array.from({ length: n }, (_, i) => i) : ad.randperm(n, { generator: opts.generator }).toFlatArray();
  return [new TensorDataset(...dataset.take(order.slice(nTest))), new TensorDataset(...dataset.take(order.slice(0, nTest)))];
}
