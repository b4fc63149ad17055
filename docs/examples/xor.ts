// Train an MLP on XOR with fit, then save and restore it with a checkpoint.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ad from '@ad/core';
import * as nn from '@ad/nn';
import { loadCheckpoint, saveCheckpoint } from '@ad/nn/node';

export function run(log: (line: string) => void = console.log) {
  const generator = new ad.Generator(0);
  const data = nn.xor();
  const model = new nn.MLP([2, 8, 1], {
    activation: 'tanh',
    outputActivation: 'sigmoid',
    generator,
  });
  const optimizer = new nn.Adam(model.parameters(), { lr: 0.05 });
  const history = nn.fit(model, {
    train: data,
    batchSize: 4,
    epochs: 500,
    optimizer,
    generator,
    loss: (o, y) => nn.mseLoss(o, y),
  });
  const predictions = ad.noGrad(() => model.forward(data.tensors[0])).toFlatArray();
  log(
    `final loss ${history[history.length - 1].loss.toExponential(2)}; predictions ${predictions.map((p) => p.toFixed(3)).join(', ')}`,
  );

  const path = join(mkdtempSync(join(tmpdir(), 'ad-xor-')), 'xor.safetensors');
  saveCheckpoint(path, { model, optimizer, generator, extra: { epochs: history.length } });
  const restored = new nn.MLP([2, 8, 1], { activation: 'tanh', outputActivation: 'sigmoid' });
  const extra = loadCheckpoint(path, { model: restored });
  const same = ad.noGrad(() => restored.forward(data.tensors[0])).toFlatArray();
  log(
    `restored from ${path} (extra ${JSON.stringify(extra)}): predictions ${same.map((p) => p.toFixed(3)).join(', ')}`,
  );
  return { loss: history[history.length - 1].loss, predictions, same };
}
