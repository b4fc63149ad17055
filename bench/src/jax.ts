// The peer: jax-js on its WebAssembly device, eagerly and with `jit` compiling a whole step.
// jax-js arrays are reference-counted: every op consumes its arguments, so an array used
// twice is passed as `a.ref` the first time.
type Jax = typeof import('@jax-js/jax');
type JaxArray = import('@jax-js/jax').numpy.Array;

let jax: Jax | null = null;

export async function loadJax(): Promise<Jax> {
  if (jax) return jax;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const j = require('@jax-js/jax') as Jax;
  await j.init('wasm', 'cpu'); // Node has no GPU device, and a plain init() asks for one
  jax = j;
  return j;
}

/** A float32 array of `shape` holding `data`. */
export function array(j: Jax, data: ArrayLike<number>, shape: readonly number[]): JaxArray {
  return j.numpy.array(Float32Array.from(data)).reshape([...shape]);
}

/**
 * An MLP's SGD step: `params` are [W1 (in×out), b1, W2, b2, …], `act` the hidden activation,
 * the loss MSE or softmax cross-entropy against one-hot targets. `step()` runs one step and
 * waits for it; `params()` reads the current parameters back.
 */
export function mlpStep(
  j: Jax,
  start: JaxArray[],
  x: JaxArray,
  y: JaxArray,
  opts: { act: 'relu' | 'tanh'; classification: boolean; lr: number; jit: boolean },
) {
  const np = j.numpy;
  const loss = (ps: JaxArray[], xs: JaxArray, ys: JaxArray) => {
    let h = xs;
    const layers = ps.length / 2;
    for (let i = 0; i < layers; i++) {
      h = np.matmul(h, ps[2 * i]).add(ps[2 * i + 1]);
      if (i < layers - 1) h = opts.act === 'relu' ? j.nn.relu(h) : np.tanh(h);
    }
    if (!opts.classification) return np.mean(np.square(h.sub(ys)));
    return np.mean(np.sum(j.nn.logSoftmax(h, 1).mul(ys), 1)).neg();
  };
  const gradient = j.grad(loss);
  const update = (ps: JaxArray[], xs: JaxArray, ys: JaxArray) => {
    const gs = gradient(
      ps.map((p) => p.ref),
      xs,
      ys,
    ) as JaxArray[];
    return ps.map((p, i) => p.sub(gs[i].mul(opts.lr)));
  };
  const run = opts.jit ? j.jit(update) : update;
  let params = start;
  return {
    step: () => {
      params = run(params, x.ref, y.ref) as JaxArray[];
      params[params.length - 1].ref.dataSync(); // wait for the step
    },
    params: () => params.map((p) => p.ref.dataSync() as Float32Array),
  };
}

/** W5's chain (W5b's with + c for sin) on a 1-element array, and its gradient: x0 is used 251 times. */
export function chainGradient(j: Jax, rounds: number, withSin: boolean, jitted: boolean) {
  const np = j.numpy;
  const chain = (x0: JaxArray) => {
    let x = x0.ref;
    for (let i = 0; i < rounds; i++) {
      const y = x.mul(1.0001).add(0.001);
      x = (withSin ? np.sin(y) : y.add(-0.0005)).mul(i === rounds - 1 ? x0 : x0.ref);
    }
    return x.sum();
  };
  const g = jitted ? j.jit(j.grad(chain)) : j.grad(chain);
  return (x0: JaxArray) => (g(x0) as JaxArray).dataSync() as Float32Array;
}
