// Worked example 6: online, mini-batch and full-batch learning are batch sizes.
import * as ad from '@ad/core';
import * as nn from '@ad/nn';

const f64 = { dtype: 'float64' } as const;

export function run(log: (line: string) => void = console.log) {
  const x = ad.tensor([[0], [1], [2], [3], [4]], f64);
  const data = new nn.TensorDataset(x, x.mul(2));
  const results: { mode: string; optimizer: string; stepsPerEpoch: number; w: number }[] = [];
  for (const [mode, batchSize] of [
    ['online', 1],
    ['mini-batch', 2],
    ['full-batch', 5],
  ] as const) {
    for (const [name, make] of [
      ['SGD', (p: ad.Tensor[]) => new nn.SGD(p, { lr: 0.01 })],
      ['Adam', (p: ad.Tensor[]) => new nn.Adam(p, { lr: 0.05 })],
    ] as const) {
      const model = new nn.Linear(1, 1, { bias: false, ...f64 });
      nn.init.constant(model.weight, 3);
      const loader = new nn.DataLoader(data, { batchSize });
      nn.fit(model, {
        train: loader,
        epochs: 200,
        optimizer: make(model.parameters()),
        loss: (o, t) => nn.mseLoss(o, t, { reduction: 'sum' }),
      });
      results.push({ mode, optimizer: name, stepsPerEpoch: loader.length, w: model.weight.item() });
      log(
        `${mode.padEnd(10)} (batch ${batchSize}, ${loader.length} steps per epoch) with ${name.padEnd(4)}: W = ${model.weight.item().toFixed(6)}`,
      );
    }
  }
  return results;
}
