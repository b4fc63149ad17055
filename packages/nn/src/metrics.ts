import * as ad from '@ad/core';
import { type Tensor, ValueError } from '@ad/core';

// Classification metrics beyond `accuracy`, as numbers or count tensors (no gradients).

function classes(op: string, output: unknown, target: unknown): [Tensor, number[]] {
  if (!(output instanceof ad.Tensor) || output.ndim !== 2)
    throw new ValueError(op, 'output must be scores [N, C]');
  if (!(target instanceof ad.Tensor) || target.size !== output.shape[0])
    throw new ValueError(op, `target must hold one class per row of output (${output.shape[0]})`);
  const labels = target.toFlatArray();
  labels.forEach((c) => {
    if (!Number.isInteger(c) || c < 0 || c >= output.shape[1])
      throw new ad.IndexError(op, `target class ${c} is not in [0, ${output.shape[1]})`);
  });
  return [output, labels];
}

/**
 * The share of rows whose target class is among the k highest scores (ties broken as
 * `topk` breaks them).
 * @example
 * ```ts
 * nn.topKAccuracy(logits, labels, 5)
 * ```
 */
export function topKAccuracy(output: Tensor, target: Tensor, k = 1): number {
  const [scores, labels] = classes('topKAccuracy', output, target);
  ad.checkInt('topKAccuracy', 'k', k, 1);
  if (k > scores.shape[1])
    throw new ValueError('topKAccuracy', `k ${k} is more than the ${scores.shape[1]} classes`);
  if (labels.length === 0) return 0;
  const top = ad.noGrad(() => scores.topk(k, 1).indices.toArray() as number[][]);
  return top.filter((row, i) => row.includes(labels[i])).length / labels.length;
}

/**
 * counts[i][j]: how many rows of true class i were predicted as class j (the class with
 * the highest score, or `output` itself when it is a 1-D tensor of predicted classes).
 * @example
 * ```ts
 * nn.confusionMatrix(logits, labels).toArray() // [[50, 2], [3, 45]]
 * ```
 */
export function confusionMatrix(output: Tensor, target: Tensor, numClasses?: number): Tensor {
  const op = 'confusionMatrix';
  if (!(output instanceof ad.Tensor) || !(target instanceof ad.Tensor))
    throw new ValueError(op, 'takes two tensors (output, target)');
  const predicted =
    output.ndim === 2 ? ad.noGrad(() => output.argmax(1)).toFlatArray() : output.toFlatArray();
  const labels = target.toFlatArray();
  if (predicted.length !== labels.length)
    throw new ValueError(op, `${predicted.length} predictions for ${labels.length} targets`);
  const n =
    numClasses ?? (output.ndim === 2 ? output.shape[1] : Math.max(0, ...predicted, ...labels) + 1);
  ad.checkInt(op, 'numClasses', n, 1);
  const counts = ad.zeros([n, n], { dtype: 'int32' });
  const data = counts.data;
  labels.forEach((c, i) => {
    const p = predicted[i];
    for (const v of [c, p])
      if (!Number.isInteger(v) || v < 0 || v >= n)
        throw new ad.IndexError(op, `class ${v} is not in [0, ${n})`);
    data[c * n + p]++;
  });
  return counts;
}
