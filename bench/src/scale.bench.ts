// W10: data-parallel training of the W3 MLP (784-256-128-10, ReLU, softmax cross-entropy,
// SGD) on a global batch of 512, on 1 and 2 worker threads, beside one thread without
// workers and the default (products on two threads) (samples/s).
// W11: loading a 100 MB bfloat16 safetensors file (MB/s: file bytes per second).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ad from '@ad/core';
import * as nn from '@ad/nn';
import { DataParallel, loadSafetensors, saveSafetensors } from '@ad/nn/node';
import type { Case } from './harness';

const BATCH = 512;

function setup() {
  const g = new ad.Generator(784);
  const model = new nn.MLP([784, 256, 128, 10], { activation: 'relu', generator: g });
  const x = ad.randn([BATCH, 784], { generator: g });
  const y = ad.randint(0, 10, [BATCH], { generator: g });
  const optimizer = new nn.SGD(model.parameters(), { lr: 0.01 });
  return { model, x, y, optimizer };
}

function eager(threads: number | null): () => void {
  const { model, x, y, optimizer } = setup();
  return () => {
    if (threads !== null) ad.setBackend({ threads });
    optimizer.zeroGrad();
    nn.crossEntropy(model.forward(x) as ad.Tensor, y).backward();
    optimizer.step();
    ad.setBackend({ threads: 2 });
  };
}

function parallel(workers: number): () => void {
  const { model, x, y, optimizer } = setup();
  const dp = new DataParallel(model, nn.crossEntropy, { workers });
  dp.backward(x, y); // the workers start and trace the step before timing
  return () => {
    optimizer.zeroGrad();
    dp.backward(x, y);
    optimizer.step();
  };
}

/** A file of 100 MB of bfloat16 (50M values in 25 tensors, as a model's layers are). */
function bf16File(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'ad-bench-')), 'model.safetensors');
  const g = new ad.Generator(11);
  const tensors: Record<string, ad.Tensor> = {};
  for (let i = 0; i < 25; i++)
    tensors[`layers.${i}.weight`] = ad.randn([1000, 2000], { generator: g });
  saveSafetensors(path, tensors, { dtype: 'BF16' });
  return path;
}

export async function scaleCases(wanted: (workload: string) => boolean): Promise<Case[]> {
  const cases: Case[] = [];
  const w10 = 'W10 data-parallel MLP 784-256-128-10';
  if (wanted(`${w10} `)) {
    const size = `batch ${BATCH}`;
    const add = (library: string, fn: () => void) =>
      cases.push({ workload: w10, size, library, unit: 'samples/s', work: BATCH, fn });
    add('@ad 1 thread', eager(1));
    add('@ad', eager(null));
    add('@ad 1 worker', parallel(1));
    add('@ad 2 workers', parallel(2));
  }
  const w11 = 'W11 load bf16 safetensors';
  if (wanted(`${w11} `)) {
    const path = bf16File();
    const mb = 100;
    cases.push({
      workload: w11,
      size: `${mb} MB`,
      library: '@ad',
      unit: 'MB/s',
      work: mb,
      fn: () => void loadSafetensors(path),
    });
  }
  return cases;
}
