// The main job: train a small MLP on two interleaved spirals, from code.
// Run it with `npm run demo` (options: --epochs N, --out DIR); it writes loss.svg and
// decision-boundary.svg to out/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { plot } from 'asciichart';
import { progressBar } from '@ad/nn/node';
import { spiralPictures, trainSpirals } from './spirals';

const { values: args } = parseArgs({ options: { epochs: { type: 'string', default: '200' }, out: { type: 'string', default: 'out' } } });
const epochs = Number(args.epochs);
const outDir = args.out as string;

const started = Date.now();
const run = trainSpirals(epochs, [progressBar({ every: Math.max(1, Math.round(epochs / 10)) })], console.log);
const seconds = (Date.now() - started) / 1000;
const { train, test, history, accuracy } = run;
console.log(`\nTrained ${history.length} epochs in ${seconds.toFixed(1)} s.`);
console.log(`Train accuracy ${(100 * accuracy(train)).toFixed(1)}%, test accuracy ${(100 * accuracy(test)).toFixed(1)}%.\n`);

const losses = history.map((h) => h.loss);
const every = Math.ceil(losses.length / 60);
console.log('Training loss per epoch:');
console.log(plot(losses.filter((_, i) => i % every === 0), { height: 10, format: (x) => x.toFixed(3).padStart(7) }));

const pictures = spiralPictures(run);
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'loss.svg'), pictures.loss);
writeFileSync(join(outDir, 'decision-boundary.svg'), pictures.boundary);
console.log(`\nWrote ${join(outDir, 'loss.svg')} and ${join(outDir, 'decision-boundary.svg')}`);
