import * as ad from '@ad/core';
import {
  defaultGenerator,
  formatShape,
  type Generator,
  ShapeError,
  type Tensor,
  ValueError,
} from '@ad/core';

/** Samples stored as tensors that share their first dim (PyTorch's `TensorDataset`). */
export class TensorDataset {
  readonly tensors: Tensor[];

  constructor(...tensors: Tensor[]) {
    if (tensors.length === 0) throw new ValueError('TensorDataset', 'needs at least one tensor');
    if (tensors.some((t) => !(t instanceof ad.Tensor)))
      throw new ValueError('TensorDataset', 'takes tensors only');
    const n = tensors[0].shape[0];
    if (tensors.some((t) => t.ndim === 0 || t.shape[0] !== n)) {
      throw new ShapeError(
        'TensorDataset',
        `tensors must share their first dim, got ${tensors.map((t) => formatShape(t.shape)).join(', ')}`,
      );
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

  constructor(
    readonly dataset: TensorDataset,
    opts: DataLoaderOptions = {},
  ) {
    if (!(dataset instanceof TensorDataset))
      throw new ValueError('DataLoader', 'expected a TensorDataset');
    const o = ad.checkOptions('DataLoader', opts, [
      'batchSize',
      'shuffle',
      'dropLast',
      'generator',
    ]);
    this.batchSize = ad.checkInt('DataLoader', 'batchSize', o.batchSize ?? 1, 1);
    this.shuffle = ad.checkBool('DataLoader', 'shuffle', o.shuffle ?? false);
    this.dropLast = ad.checkBool('DataLoader', 'dropLast', o.dropLast ?? false);
    this.generator = o.generator ?? defaultGenerator;
    if (!(this.generator instanceof ad.Generator))
      throw new ValueError('DataLoader', 'generator must be a Generator');
  }

  /** Number of batches per pass. */
  get length(): number {
    const n = this.dataset.length / this.batchSize;
    return this.dropLast ? Math.floor(n) : Math.ceil(n);
  }

  /** Yields the batches of one pass over the dataset, reshuffled first when `shuffle` is set. */
  *[Symbol.iterator](): Iterator<Tensor[]> {
    const n = this.dataset.length;
    const order = this.shuffle
      ? ad.randperm(n, { generator: this.generator }).toFlatArray()
      : Array.from({ length: n }, (_, i) => i);
    for (let b = 0; b < this.length; b++) {
      yield this.dataset.take(order.slice(b * this.batchSize, (b + 1) * this.batchSize));
    }
  }
}

/** Splits a dataset into train and test parts (test gets round(testSize·n) samples). */
export function trainTestSplit(
  dataset: TensorDataset,
  opts: { testSize?: number; shuffle?: boolean; generator?: Generator } = {},
): [TensorDataset, TensorDataset] {
  if (!(dataset instanceof TensorDataset))
    throw new ValueError('trainTestSplit', 'expected a TensorDataset');
  opts = ad.checkOptions('trainTestSplit', opts, ['testSize', 'shuffle', 'generator']);
  const n = dataset.length;
  const testSize = opts.testSize ?? 0.25;
  if (!(testSize > 0 && testSize < 1))
    throw new ValueError('trainTestSplit', `testSize must be in (0, 1), got ${testSize}`);
  const nTest = Math.round(n * testSize);
  const order =
    opts.shuffle === false
      ? Array.from({ length: n }, (_, i) => i)
      : ad.randperm(n, { generator: opts.generator }).toFlatArray();
  return [
    new TensorDataset(...dataset.take(order.slice(nTest))),
    new TensorDataset(...dataset.take(order.slice(0, nTest))),
  ];
}
