// The main job: train a small MLP on two interleaved spirals, from code.
// Run it with `npm run demo` (options: --epochs N, --out DIR); it writes loss.svg and
// decision-boundary.svg to out/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { plot } from 'asciichart';
import { Command, InvalidArgumentError } from 'commander';
import { progressBar } from '@ad/nn/node';
import { spiralPictures, trainSpirals } from './spirals';

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError('expected a whole number of at least 1.');
  return n;
}

const cli = new Command('npm run demo --')
  .description(
    'Trains a 2-64-64-2 tanh MLP on two interleaved spirals from code and shows its progress,\n' +
      'accuracy and loss curve; writes pictures of the loss and the decision boundary.',
  )
  .option('--epochs <n>', 'passes over the training set', positiveInteger, 200)
  .option('--out <dir>', 'where loss.svg and decision-boundary.svg go', 'out')
  .showHelpAfterError('(npm run demo -- --help lists the options)')
  .parse();
const { epochs, out: outDir } = cli.opts<{ epochs: number; out: string }>();

const started = Date.now();
const run = trainSpirals(
  epochs,
  [progressBar({ every: Math.max(1, Math.round(epochs / 10)) })],
  console.log,
);
const seconds = (Date.now() - started) / 1000;
const { train, test, history, accuracy } = run;
console.log(`\nTrained ${history.length} epochs in ${seconds.toFixed(1)} s.`);
console.log(
  `Train accuracy ${(100 * accuracy(train)).toFixed(1)}%, test accuracy ${(100 * accuracy(test)).toFixed(1)}%.\n`,
);

const losses = history.map((h) => h.loss);
const every = Math.ceil(losses.length / 60);
console.log('Training loss per epoch:');
console.log(
  plot(
    losses.filter((_, i) => i % every === 0),
    { height: 10, format: (x) => x.toFixed(3).padStart(7) },
  ),
);

const pictures = spiralPictures(run);
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'loss.svg'), pictures.loss);
writeFileSync(join(outDir, 'decision-boundary.svg'), pictures.boundary);
console.log(`\nWrote ${join(outDir, 'loss.svg')} and ${join(outDir, 'decision-boundary.svg')}`);
