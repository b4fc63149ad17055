// A small CNN learns ten digits drawn in code (lib/digits.ts): two convolution blocks and a
// linear classifier, trained with Adam. Run it with `npm run example docs/examples/cnn.ts`
// (options: --epochs N, --train N); the docs' pictures come from `trainDigits` and
// `digitPictures` (npm run docs:images).
import * as ad from '@ad/core';
import * as nn from '@ad/nn';
import { digits, SIZE } from './lib/digits';
import { imageGrid, lineChart } from './lib/svg';

/** Conv(1→8) → ReLU → pool → Conv(8→16) → ReLU → pool → Linear(16·4·4 → 10). */
export function digitNet(generator: ad.Generator): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(1, 8, 3, { padding: 1, generator }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(8, 16, 3, { padding: 1, generator }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(16 * (SIZE / 4) ** 2, 10, { generator }),
  );
}

/** Trains on `trainSize` images for `epochs`, tests on 500 others; `log` gets the model first. */
export function trainDigits(
  opts: { epochs?: number; trainSize?: number; callbacks?: nn.Callback[] } = {},
  log: (line: string) => void = () => {},
) {
  const { epochs = 6, trainSize = 2000, callbacks = [] } = opts;
  const generator = new ad.Generator(7);
  const train = digits(trainSize, 1);
  const test = digits(500, 2);
  const model = digitNet(generator);
  log(`Digits: ${train.length} training and ${test.length} test images of ${SIZE}×${SIZE}.`);
  log(`${model.summary()}\n`);
  const history = nn.fit(model, {
    train,
    validation: test,
    epochs,
    batchSize: 50,
    generator,
    optimizer: new nn.Adam(model.parameters(), { lr: 0.01 }),
    loss: (logits, labels) => nn.crossEntropy(logits, labels),
    metrics: { accuracy: nn.accuracy },
    callbacks,
  });
  const [images, labels] = test.tensors;
  const logits = ad.noGrad(() => model.eval().forward(images));
  model.train();
  return {
    model,
    history,
    test,
    accuracy: nn.accuracy(logits, labels),
    predicted: logits.argmax(1).toFlatArray(),
    confusion: nn.confusionMatrix(logits, labels),
  };
}

/** The pixels of image i of a dataset, row by row. */
function pixels(d: nn.TensorDataset, i: number): number[] {
  return d.tensors[0].select(0, i).toFlatArray();
}

/** Sample images, the learning curves and the misclassified test images, as SVG. */
export function digitPictures(run: ReturnType<typeof trainDigits>) {
  const { history, test, predicted } = run;
  const labels = test.tensors[1].toFlatArray();
  const samples = imageGrid(
    Array.from({ length: 20 }, (_, i) => ({ pixels: pixels(test, i), caption: String(labels[i]) })),
    { title: 'Test images with their digits', side: SIZE, columns: 10 },
  );
  const curves = lineChart(
    {
      'training loss': history.map((h) => h.loss),
      'test loss': history.map((h) => h.valLoss ?? NaN),
      'test error (1 − accuracy)': history.map((h) => 1 - (h.valAccuracy ?? NaN)),
    },
    {
      title: 'Digits CNN: loss and error per epoch',
      xLabel: 'epoch',
      yLabel: 'log scale',
      log: true,
    },
  );
  const wrong = labels.map((_, i) => i).filter((i) => predicted[i] !== labels[i]);
  const misclassified = imageGrid(
    wrong.slice(0, 20).map((i) => ({
      pixels: pixels(test, i),
      caption: `${predicted[i]} (is ${labels[i]})`,
    })),
    {
      title: `Misclassified: ${wrong.length} of ${labels.length} test images (predicted, true digit)`,
      side: SIZE,
      columns: 10,
    },
  );
  return { samples, curves, misclassified };
}

/** `npm run example docs/examples/cnn.ts [-- --epochs N --train N]`: trains and reports. */
export function run(log: (line: string) => void = console.log, argv = process.argv.slice(2)) {
  const option = (name: string, fallback: number) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? Number(argv[i + 1]) : fallback;
  };
  const started = Date.now();
  const result = trainDigits(
    {
      epochs: option('epochs', 6),
      trainSize: option('train', 2000),
      callbacks: [
        {
          onEpochEnd: (h) =>
            log(
              `epoch ${h.epoch}  loss ${h.loss.toFixed(4)}  test accuracy ${(100 * (h.valAccuracy as number)).toFixed(1)}%`,
            ),
        },
      ],
    },
    log,
  );
  log(`\nTrained in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  log(`Test accuracy ${(100 * result.accuracy).toFixed(1)}%. Confusion (rows: true digit):`);
  (result.confusion.toArray() as number[][]).forEach((row, d) =>
    log(`  ${d}: ${row.map((n) => String(n).padStart(3)).join(' ')}`),
  );
  return result;
}
