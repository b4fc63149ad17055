// The peer: TensorFlow.js with its plain-JS cpu backend and its WebAssembly (XNNPACK) backend.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

type Tf = typeof import('@tensorflow/tfjs');
let tf: Tf | null = null;

/** Loads tfjs (which registers the gradients) and the wasm backend, quietly. */
export async function loadTf(): Promise<Tf> {
  if (tf) return tf;
  const [warn, log] = [console.warn, console.log];
  console.warn = console.log = () => undefined; // tfjs suggests installing tfjs-node, which downloads a binary
  try {
    // required lazily, with its console noise muted, and only when a run includes tfjs
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    tf = require('@tensorflow/tfjs') as Tf;
    type Wasm = typeof import('@tensorflow/tfjs-backend-wasm');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const wasm = require('@tensorflow/tfjs-backend-wasm') as Wasm;
    wasm.setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`);
    await tf.setBackend('wasm');
    await tf.ready();
    await tf.setBackend('cpu');
    await tf.ready();
    const t = tf;
    t.tidy(() => t.add(1, 1).dataSync()); // the banner comes with the first op
  } finally {
    [console.warn, console.log] = [warn, log];
  }
  return tf;
}

export async function useBackend(name: 'cpu' | 'wasm'): Promise<void> {
  const t = await loadTf();
  if (t.getBackend() !== name) {
    await t.setBackend(name);
    await t.ready();
  }
}

// jax-js's exports do not include its package.json: read it from where its entry lies
function jaxVersion(): string {
  const file = join(dirname(require.resolve('@jax-js/jax')), '..', 'package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

export function versions(): Record<string, string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const v = (p: string) => (require(`${p}/package.json`) as { version: string }).version;
  return {
    '@tensorflow/tfjs-core': v('@tensorflow/tfjs-core'),
    '@tensorflow/tfjs-backend-cpu': v('@tensorflow/tfjs-backend-cpu'),
    '@tensorflow/tfjs-backend-wasm': v('@tensorflow/tfjs-backend-wasm'),
    '@jax-js/jax': jaxVersion(),
    benchmark: v('benchmark'),
  };
}
