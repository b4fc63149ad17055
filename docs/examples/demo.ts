// The main job: train a small MLP on two interleaved spirals, from code.
// Run it with `npm run demo` (options: --epochs N, --out DIR); it writes loss.svg and
// decision-boundary.svg to out/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { plot } from 'asciichart';
import * as ad from '@ad/core';
import * as nn from '@ad/nn';
import { progressBar } from '@ad/nn/node';
import { decisionBoundary, lineChart } from './lib/svg';

const { values: args } = parseArgs({ options: { epochs: { type: 'string', default: '200' }, out: { type: 'string', default: 'out' } } });
const epochs = Number(args.epochs);
const outDir = args.out as string;
const generator = new ad.Generator(1);
const data = nn.twoSpirals({ n: 300, noise: 0.03, generator });
const [train, test] = nn.trainTestSplit(data, { testSize: 0.25, generator });
const model = new nn.MLP([2, 64, 64, 2], { activation: 'tanh', generator });

console.log(`Two spirals: ${train.length} training and ${test.length} test points.\n${model.summary()}\n`);
const started = Date.now();
const history = nn.fit(model, {
  train,
  validation: test,
  epochs,
  batchSize: 32,
  generator,
  optimizer: new nn.Adam(model.parameters(), { lr: 0.01 }),
  loss: (logits, labels) => nn.crossEntropy(logits, labels),
  metrics: { accuracy: nn.accuracy },
  callbacks: [progressBar({ every: Math.max(1, Math.round(epochs / 10)) })],
});
const seconds = (Date.now() - started) / 1000;

const accuracy = (d: nn.TensorDataset) => nn.evaluate(model, d, { metrics: { accuracy: nn.accuracy } }).accuracy;
console.log(`\nTrained ${history.length} epochs in ${seconds.toFixed(1)} s.`);
console.log(`Train accuracy ${(100 * accuracy(train)).toFixed(1)}%, test accuracy ${(100 * accuracy(test)).toFixed(1)}%.\n`);

const losses = history.map((h) => h.loss);
const every = Math.ceil(losses.length / 60);
console.log('Training loss per epoch:');
console.log(plot(losses.filter((_, i) => i % every === 0), { height: 10, format: (x) => x.toFixed(3).padStart(7) }));

mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'loss.svg'), lineChart(
  { 'training loss': losses, 'test loss': history.map((h) => h.valLoss ?? NaN) },
  { title: 'Two spirals: cross-entropy per epoch', xLabel: 'epoch', yLabel: 'loss (log scale)', log: true },
));
const [points, labels] = data.tensors;
const predict = (grid: number[][]) => ad.noGrad(() => model.forward(ad.tensor(grid)).argmax(1).toFlatArray());
writeFileSync(join(outDir, 'decision-boundary.svg'), decisionBoundary(predict, points.toArray() as number[][], labels.toFlatArray(), {
  title: `Decision boundary (test accuracy ${(100 * accuracy(test)).toFixed(1)}%)`,
}));
console.log(`\nWrote ${join(outDir, 'loss.svg')} and ${join(outDir, 'decision-boundary.svg')}`);
