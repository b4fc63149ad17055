import * as ad from '@ad/core';
import { defaultGenerator, Generator, type Tensor, ValueError } from '@ad/core';
import { Module } from '../module';

/** Zeroes each element with probability p in training and scales the rest by 1/(1 − p); off in eval. */
export class Dropout extends Module {
  private readonly generator: Generator;

  constructor(
    readonly p = 0.5,
    opts: { generator?: Generator } = {},
  ) {
    super();
    ad.checkNumber('Dropout', 'p', p, { min: 0, max: 1 });
    const { generator = defaultGenerator } = ad.checkOptions('Dropout', opts, ['generator']);
    if (!(generator instanceof Generator))
      throw new ValueError('Dropout', 'generator must be a Generator');
    this.generator = generator;
  }

  forward(x: Tensor): Tensor {
    if (!(x instanceof ad.Tensor)) throw new ValueError('Dropout', 'forward takes a Tensor');
    if (!this.training || this.p === 0) return x;
    if (this.p === 1) return x.mul(0);
    const keep = ad
      .rand(x.shape, {
        dtype: x.dtype === 'float64' ? 'float64' : 'float32',
        generator: this.generator,
      })
      .ge(this.p);
    return x.mul(keep).div(1 - this.p);
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}
