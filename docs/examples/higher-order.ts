// Higher order and transforms: grad of grad, a Hessian-vector product, jacobian, jvp.
import * as ad from '@ad/core';

const f64 = { dtype: 'float64' } as const;

export function run(log: (line: string) => void = console.log) {
  // f(x) = Σ xᵢ³ + x₀·x₁, so ∇f = 3x² + (x₁, x₀, 0) and H = diag(6x) + the x₀x₁ cross terms
  const f = (x: ad.Tensor) =>
    x
      .pow(3)
      .sum()
      .add(x.select(0, 0).mul(x.select(0, 1)));
  const x = ad.tensor([1, -2, 0.5], f64);
  const v = ad.tensor([1, 0, 2], f64);

  const g = ad.grad(f)(x);
  const [, hv] = ad.hvp(f, x, v); // H·v without forming H: the gradient of ∇f·v
  const H = ad.hessian(f)(x);
  log(`∇f(x)    = ${JSON.stringify(g.toArray())}`);
  log(`H·v      = ${JSON.stringify(hv.toArray())}`);
  log(`H        = ${JSON.stringify(H.toArray())}`);

  // the same HVP with the PyTorch-style API: backward with createGraph, then gradients again
  const xs = x.clone().requiresGrad_();
  const [gx] = ad.gradients(f(xs), [xs], { createGraph: true });
  const [hv2] = ad.gradients(gx.mul(v).sum(), [xs]);
  log(`H·v again = ${JSON.stringify(hv2.toArray())} (gradients with createGraph)`);

  // transforms compose: the third derivative of sin is −cos
  const d3 = ad.grad(ad.grad(ad.grad((t: ad.Tensor) => t.sin())));
  log(`d³/dt³ sin at 0.5 = ${d3(ad.tensor(0.5, f64)).item()} (−cos 0.5 = ${-Math.cos(0.5)})`);

  // forward mode by the double-vjp trick, and a full Jacobian
  const h = (t: ad.Tensor) => t.mul(t).sin();
  const [, tangent] = ad.jvp(h, [x], [v]);
  log(`J·v of sin(x²) = ${JSON.stringify(tangent.toArray())}`);
  log(`jacobian shape = [${ad.jacobian(h)(x).shape}]`);
  return {
    g: g.toFlatArray(),
    hv: hv.toFlatArray(),
    hv2: hv2.toFlatArray(),
    H: H.toFlatArray(),
    tangent: tangent.toFlatArray(),
  };
}
