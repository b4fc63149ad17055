// The demo's task: a 2-64-64-2 tanh MLP learns two interleaved spirals with Adam.
// Shared by `npm run demo` and the pictures in docs/images (npm run docs:images).
import * as ad from '@ad/core';
import * as nn from '@ad/nn';
import { decisionBoundary, lineChart } from './lib/svg';

/** Trains for `epochs`; `log` gets a description of the data and the model first. */
export function trainSpirals(
  epochs: number,
  callbacks: nn.Callback[] = [],
  log: (line: string) => void = () => {},
) {
  const generator = new ad.Generator(1);
  const data = nn.twoSpirals({ n: 300, noise: 0.03, generator });
  const [train, test] = nn.trainTestSplit(data, { testSize: 0.25, generator });
  const model = new nn.MLP([2, 64, 64, 2], { activation: 'tanh', generator });
  log(
    `Two spirals: ${train.length} training and ${test.length} test points.\n${model.summary()}\n`,
  );
  const history = nn.fit(model, {
    train,
    validation: test,
    epochs,
    batchSize: 32,
    generator,
    optimizer: new nn.Adam(model.parameters(), { lr: 0.01 }),
    loss: (logits, labels) => nn.crossEntropy(logits, labels),
    metrics: { accuracy: nn.accuracy },
    callbacks,
    compile: true, // record the training step once, replay it for every batch
  });
  const accuracy = (d: nn.TensorDataset) =>
    nn.evaluate(model, d, { metrics: { accuracy: nn.accuracy } }).accuracy;
  return { model, data, train, test, history, accuracy };
}

/** The loss curves and the decision boundary of a trained run, as SVG. */
export function spiralPictures({
  model,
  train,
  test,
  history,
  accuracy,
}: ReturnType<typeof trainSpirals>) {
  const loss = lineChart(
    {
      'training loss': history.map((h) => h.loss),
      'validation loss (test set)': history.map((h) => h.valLoss ?? NaN),
    },
    {
      title: 'Two spirals: cross-entropy per epoch',
      xLabel: 'epoch',
      yLabel: 'loss (log scale)',
      log: true,
    },
  );
  const predict = (grid: number[][]) =>
    ad.noGrad(() => model.forward(ad.tensor(grid)).argmax(1).toFlatArray());
  const points = (d: nn.TensorDataset) => ({
    points: d.tensors[0].toArray() as number[][],
    labels: d.tensors[1].toFlatArray(),
  });
  const boundary = decisionBoundary(
    predict,
    { train: points(train), test: points(test) },
    {
      title: `Decision boundary (test accuracy ${(100 * accuracy(test)).toFixed(1)}%)`,
    },
  );
  return { loss, boundary };
}
