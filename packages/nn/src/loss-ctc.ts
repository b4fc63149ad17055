// Connectionist temporal classification (PyTorch's ctc_loss): the negative log-likelihood of
// a target sequence summed over every alignment of it to the input frames, by the forward
// (alpha) recursion in log space. It is written with ops, so its gradient (and, unlike
// PyTorch's, its gradient of gradient) comes from the tape.
import * as ad from '@ad/core';
import { DTypeError, formatShape, ShapeError, type Tensor, ValueError } from '@ad/core';
import { type LossOptions, lossOptions } from './loss-common';

/** Options of `ctcLoss`, as in PyTorch. */
export interface CTCLossOptions extends LossOptions {
  /** The blank class. */
  blank?: number;
  /** Losses of targets that no alignment reaches (+∞) become 0, with zero gradients. */
  zeroInfinity?: boolean;
}

/** log 0 for the recursion: finite, so that unreachable states pass zero gradients, not NaN. */
const NEVER = -1e30;

type Lengths = Tensor | readonly number[];

function lengths(op: string, name: string, v: Lengths, n: number, most: number): number[] {
  const xs = v instanceof ad.Tensor ? v.toFlatArray() : Array.isArray(v) ? [...v] : null;
  if (xs === null || xs.length !== n)
    throw new ValueError(op, `${name} must hold one length per batch element (${n})`);
  xs.forEach((x) => {
    if (!Number.isInteger(x) || x < 0 || x > most)
      throw new ValueError(op, `${name} has ${x}, which is not an integer in [0, ${most}]`);
  });
  return xs;
}

/**
 * The CTC loss of log-probabilities [T, N, C] (or [T, C]; log_softmax outputs) against
 * targets [N, S] (padded) or all targets concatenated (1-D), with each input's and target's
 * length. 'mean' divides each loss by its target length, then averages (PyTorch's rule).
 * @example
 * ```ts
 * nn.ctcLoss(logits.logSoftmax(2), targets, [50, 50], [20, 18])
 * ```
 */
export function ctcLoss(
  logProbs: Tensor,
  targets: Tensor,
  inputLengths: Lengths,
  targetLengths: Lengths,
  opts: CTCLossOptions = {},
): Tensor {
  const op = 'ctcLoss';
  const o = lossOptions(op, opts, ['blank', 'zeroInfinity']);
  if (!(logProbs instanceof ad.Tensor) || (logProbs.ndim !== 3 && logProbs.ndim !== 2))
    throw new ShapeError(op, 'logProbs must be a tensor [T, N, C] or [T, C]');
  if (!(targets instanceof ad.Tensor) || targets.dtype !== 'int32')
    throw new DTypeError(op, 'targets must be an int32 tensor of class indices');
  const batched = logProbs.ndim === 3;
  const lp = batched ? logProbs : logProbs.unsqueeze(1);
  const [frames, n, classes] = lp.shape;
  const blank = ad.checkInt(op, 'blank', o.blank ?? 0, 0);
  if (blank >= classes) throw new ValueError(op, `blank ${blank} is not one of ${classes} classes`);
  const zeroInfinity = ad.checkBool(op, 'zeroInfinity', o.zeroInfinity ?? false);
  const inLens = lengths(op, 'inputLengths', inputLengths, n, frames);
  const padded = targets.ndim === 2 || (!batched && targets.ndim === 1);
  const flat = targets.toFlatArray();
  const most = padded ? targets.shape[targets.ndim - 1] : flat.length;
  const tgLens = lengths(op, 'targetLengths', targetLengths, n, most);
  if (padded && batched && targets.shape[0] !== n)
    throw new ShapeError(op, `targets ${formatShape(targets.shape)} do not fit a batch of ${n}`);
  if (!padded && tgLens.reduce((a, b) => a + b, 0) !== flat.length)
    throw new ShapeError(
      op,
      'concatenated targets must be as long as the target lengths add up to',
    );
  // each target with blanks around and between its labels: ext[n][s]
  const width = 2 * Math.max(0, ...tgLens) + 1;
  const ext = new Int32Array(n * width).fill(blank);
  const skip = new Uint8Array(n * width);
  let offset = 0;
  for (let b = 0; b < n; b++) {
    const start = padded ? b * most : offset;
    offset += tgLens[b];
    for (let k = 0; k < tgLens[b]; k++) {
      const label = flat[start + k];
      if (!Number.isInteger(label) || label < 0 || label >= classes || label === blank)
        throw new ValueError(
          op,
          `target ${label} is not a class other than blank in [0, ${classes})`,
        );
      ext[b * width + 2 * k + 1] = label;
      // a label may follow the one two states back directly unless the two are equal
      if (k > 0 && flat[start + k - 1] !== label) skip[b * width + 2 * k + 1] = 1;
    }
  }
  const extT = new ad.Tensor(ext, [n, width]);
  const skipT = new ad.Tensor(skip, [n, width]).cast('bool');
  const dtype = lp.dtype;
  const never = (cols: number) => ad.full([n, cols], NEVER, { dtype });
  // the log-probabilities of each state's label at every frame: [T, N, width]
  const emit = lp.gather(2, extT.unsqueeze(0).expand([frames, n, width]));
  const cols = ad.arange(width).unsqueeze(0);
  let alpha = ad.where(cols.lt(2), emit.select(0, 0), NEVER);
  const running = (t: number) => ad.tensor(inLens.map((l) => t < l)).unsqueeze(1);
  for (let t = 1; t < frames; t++) {
    const stay = alpha;
    const step = ad.cat([never(1), alpha.narrow(1, 0, width - 1)], 1);
    const jump = ad.where(
      skipT,
      ad.cat([never(2), alpha.narrow(1, 0, Math.max(width - 2, 0))], 1),
      NEVER,
    );
    const next = ad.stack([stay, step, jump]).logsumexp(0).add(emit.select(0, t));
    alpha = ad.where(running(t), next, alpha);
  }
  // the last label or the blank after it
  const last = ad.tensor(
    tgLens.map((l) => [2 * l, Math.max(2 * l - 1, 0)]),
    { dtype: 'int32' },
  );
  const ends = alpha.gather(1, last);
  const both = ad.tensor(tgLens.map((l) => [true, l > 0]));
  const likelihood = ad.where(both, ends, NEVER).logsumexp(1);
  // no input frames: the empty target has likelihood 1, any other none
  const empty = ad.tensor(inLens.map((l, b) => l === 0 && tgLens[b] === 0));
  const ll = ad.where(empty, 0, likelihood);
  // no alignment: +∞ (or 0); also for a non-empty target without input frames
  const unreached = ad.tensor(inLens.map((l, b) => l === 0 && tgLens[b] > 0));
  const impossible = ad.where(unreached, unreached, ll.lt(NEVER / 2));
  const loss = ad.where(impossible, zeroInfinity ? 0 : Infinity, ll.neg());
  const per =
    o.reduction === 'mean'
      ? loss.div(
          ad.tensor(
            tgLens.map((l) => Math.max(l, 1)),
            { dtype },
          ),
        )
      : loss;
  const reduced = o.reduction === 'none' ? per : o.reduction === 'sum' ? per.sum() : per.mean();
  return batched || o.reduction !== 'none' ? reduced : reduced.squeeze(0);
}

/** `ctcLoss` as an object. */
export class CTCLoss {
  constructor(readonly options: CTCLossOptions = {}) {}

  /** The loss of these log-probabilities against these targets and lengths. */
  forward(
    logProbs: Tensor,
    targets: Tensor,
    inputLengths: Lengths,
    targetLengths: Lengths,
  ): Tensor {
    return ctcLoss(logProbs, targets, inputLengths, targetLengths, this.options);
  }
}
