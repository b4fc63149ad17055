// Tensor methods: in-place ops: each bumps the storage version; ops/inplace.ts says how recording handles them. One-line sugar over the op functions
// of the same names (see ../methods.ts).
import * as ops from '../ops/index';
import type { TensorLike } from '../ops/index';
import type { Tensor } from '../tensor';

export const inplaceMethods = {
  add_<T extends Tensor>(this: T, other: TensorLike): T {
    return ops.add_(this, other) as T;
  },
  sub_<T extends Tensor>(this: T, other: TensorLike): T {
    return ops.sub_(this, other) as T;
  },
  mul_<T extends Tensor>(this: T, other: TensorLike): T {
    return ops.mul_(this, other) as T;
  },
  div_<T extends Tensor>(this: T, other: TensorLike): T {
    return ops.div_(this, other) as T;
  },
  clamp_<T extends Tensor>(this: T, min?: number | null, max?: number | null): T {
    return ops.clamp_(this, min, max) as T;
  },
  fill_<T extends Tensor>(this: T, value: number): T {
    return ops.fill_(this, value) as T;
  },
  zero_<T extends Tensor>(this: T): T {
    return ops.zero_(this) as T;
  },
  copy_<T extends Tensor>(this: T, src: TensorLike): T {
    return ops.copy_(this, src) as T;
  },
};
