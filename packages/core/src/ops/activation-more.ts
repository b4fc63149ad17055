// The rest of torch.nn.functional's activations, written with ops so they differentiate to
// any order. Piecewise ones are `where`s over their pieces, so that each takes PyTorch's
// gradient at the joins (hardtanh's is 0 at its bounds, hardswish's −0.5 at −3).
import { checkInt, checkNumber } from '../args';
import { fmt, ShapeError, ValueError } from '../errors';
import type { Tensor } from '../tensor';
import { trace, traced } from '../compile/trace';
import { elu, softplus } from './activation';
import { where } from './binary';
import { named, toTensor, type TensorLike } from './op';
import { normalizeDim } from '../shape';

/**
 * x clipped to [minVal, maxVal] (PyTorch's `F.hardtanh`); the gradient is 1 strictly inside
 * and 0 from the bounds on.
 * @example
 * ```ts
 * ad.functional.hardtanh(x, -2, 2)
 * ```
 */
export function hardtanh(x: TensorLike, minVal = -1, maxVal = 1): Tensor {
  if (trace.on && trace.entering !== hardtanh) return traced(hardtanh, [x, minVal, maxVal]);
  const a = toTensor('functional.hardtanh', x);
  checkNumber('functional.hardtanh', 'minVal', minVal);
  checkNumber('functional.hardtanh', 'maxVal', maxVal, { min: minVal });
  return named('functional.hardtanh', () =>
    where(a.le(minVal), minVal, where(a.ge(maxVal), maxVal, a)),
  );
}

/**
 * min(max(x, 0), 6) (PyTorch's `F.relu6`), with hardtanh's gradient.
 * @example
 * ```ts
 * ad.functional.relu6(x)
 * ```
 */
export function relu6(x: TensorLike): Tensor {
  if (trace.on && trace.entering !== relu6) return traced(relu6, [x]);
  return named('functional.relu6', () => hardtanh(toTensor('functional.relu6', x), 0, 6));
}

/**
 * relu6(x + 3) / 6 (PyTorch's `F.hardsigmoid`).
 * @example
 * ```ts
 * ad.functional.hardsigmoid(x)
 * ```
 */
export function hardsigmoid(x: TensorLike): Tensor {
  if (trace.on && trace.entering !== hardsigmoid) return traced(hardsigmoid, [x]);
  const a = toTensor('functional.hardsigmoid', x);
  return named('functional.hardsigmoid', () =>
    where(a.le(-3), 0, where(a.ge(3), 1, a.div(6).add(0.5))),
  );
}

/**
 * x · relu6(x + 3) / 6 (PyTorch's `F.hardswish`).
 * @example
 * ```ts
 * ad.functional.hardswish(x)
 * ```
 */
export function hardswish(x: TensorLike): Tensor {
  if (trace.on && trace.entering !== hardswish) return traced(hardswish, [x]);
  const a = toTensor('functional.hardswish', x);
  return named('functional.hardswish', () =>
    where(a.lt(-3), 0, where(a.le(3), a.mul(a.add(3)).div(6), a)),
  );
}

/**
 * x · tanh(softplus(x)) (PyTorch's `F.mish`).
 * @example
 * ```ts
 * ad.functional.mish(x)
 * ```
 */
export function mish(x: TensorLike): Tensor {
  if (trace.on && trace.entering !== mish) return traced(mish, [x]);
  const a = toTensor('functional.mish', x);
  return named('functional.mish', () => a.mul(softplus(a).tanh()));
}

/**
 * x / (1 + |x|) (PyTorch's `F.softsign`).
 * @example
 * ```ts
 * ad.functional.softsign(x)
 * ```
 */
export function softsign(x: TensorLike): Tensor {
  if (trace.on && trace.entering !== softsign) return traced(softsign, [x]);
  const a = toTensor('functional.softsign', x);
  return named('functional.softsign', () => a.div(a.abs().add(1)));
}

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/**
 * The self-normalising ELU, scale · elu(x, α) with PyTorch's constants (`F.selu`).
 * @example
 * ```ts
 * ad.functional.selu(x)
 * ```
 */
export function selu(x: TensorLike): Tensor {
  if (trace.on && trace.entering !== selu) return traced(selu, [x]);
  const a = toTensor('functional.selu', x);
  return named('functional.selu', () => elu(a, SELU_ALPHA).mul(SELU_SCALE));
}

/**
 * max(0, x) + min(0, α(exp(x/α) − 1)) (PyTorch's `F.celu`).
 * @example
 * ```ts
 * ad.functional.celu(x, 0.5)
 * ```
 */
export function celu(x: TensorLike, alpha = 1): Tensor {
  if (trace.on && trace.entering !== celu) return traced(celu, [x, alpha]);
  const a = toTensor('functional.celu', x);
  checkNumber('functional.celu', 'alpha', alpha);
  if (alpha === 0) throw new ValueError('functional.celu', 'alpha must not be 0');
  return named('functional.celu', () => elu(a.div(alpha), 1).mul(alpha));
}

/**
 * The gated linear unit (PyTorch's `F.glu`): x's halves a, b along `dim`, a · sigmoid(b).
 * @example
 * ```ts
 * ad.functional.glu(ad.randn([4, 6])).shape // [4, 3]
 * ```
 */
export function glu(x: TensorLike, dim = -1): Tensor {
  if (trace.on && trace.entering !== glu) return traced(glu, [x, dim]);
  const a = toTensor('functional.glu', x);
  checkInt('functional.glu', 'dim', dim);
  const d = normalizeDim('functional.glu', dim, a.ndim);
  if (a.shape[d] % 2 !== 0)
    throw new ShapeError('functional.glu', `dim ${dim} of ${fmt(a.shape)} must have an even size`);
  return named('functional.glu', () => {
    const [first, gate] = a.chunk(2, d);
    return first.mul(gate.sigmoid());
  });
}
