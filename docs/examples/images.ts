// Makes every picture in docs/images from the examples: `npm run docs:images`.
// docs/test/images.test.ts regenerates them and fails when a committed one differs.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { digitPictures, trainDigits } from './cnn';
import * as composition from './composition';
import * as fanOut from './fan-out';
import { lineChart } from './lib/svg';
import { descend, lossAt } from './one-weight';
import { namesPicture, trainNames } from './names';
import { spiralPictures, trainSpirals } from './spirals';
import * as tape from './tape';
import * as twoTwoTwo from './two-two-two';

const quiet = () => {};

/** File name → SVG text. */
export function images(): Record<string, string> {
  const learningRates = Object.fromEntries(
    [
      ['lr = 0.01 converges', 0.01],
      ['lr = 1/30 oscillates', 1 / 30],
      ['lr = 0.04 diverges', 0.04],
    ].map(([name, lr]) => [name, descend(lr as number, 12).map(lossAt)]),
  );
  const spirals = spiralPictures(trainSpirals(200));
  const digits = digitPictures(trainDigits());
  return {
    'tape-fan-out.svg': fanOut.run(quiet).picture,
    'tape-composition.svg': composition.run(quiet).picture,
    'tape-two-two-two.svg': twoTwoTwo.run(quiet).picture,
    'tape-linear-tanh.svg': tape.run(quiet).picture,
    'one-weight-learning-rates.svg': lineChart(learningRates, {
      title: 'y = 2x from W = 3: loss per step by learning rate',
      xLabel: 'step',
      yLabel: 'loss Σ(W·x − y)² (log scale)',
      log: true,
      legend: 'bottom-left',
    }),
    'spirals-loss.svg': spirals.loss,
    'spirals-decision-boundary.svg': spirals.boundary,
    'digits-samples.svg': digits.samples,
    'digits-curves.svg': digits.curves,
    'digits-misclassified.svg': digits.misclassified,
    'names-loss.svg': namesPicture(trainNames()),
  };
}

/** Writes the pictures to `dir` (default docs/images, or the first command-line argument). */
export function run(dir = resolve(process.argv[2] ?? 'docs/images')) {
  mkdirSync(dir, { recursive: true });
  const pictures = Object.entries(images());
  for (const [name, svg] of pictures) writeFileSync(join(dir, name), `${svg}\n`);
  console.log(`wrote ${pictures.length} pictures to ${dir}`);
}
