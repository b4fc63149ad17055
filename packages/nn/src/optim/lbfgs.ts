import { checkOneOf, noGrad, Tensor, ValueError, writeInPlace } from '@ad/core';
import { absMax, dot, strongWolfe } from './line-search';
import { Optimizer, type ParamGroupSpec, type ParamState } from './optimizer';
import { type Rule, nonNegative } from './rules';

/** Hyper-parameters of `LBFGS` (PyTorch's names and defaults). */
export interface LBFGSOptions {
  lr: number;
  /** Iterations per `step`. */
  maxIter: number;
  /** Loss evaluations per `step` (default maxIter · 5/4). */
  maxEval: number | null;
  toleranceGrad: number;
  toleranceChange: number;
  historySize: number;
  lineSearchFn: 'strong_wolfe' | null;
}

const count: Rule = (op, name, v) => {
  if (!(Number.isInteger(v) && (v as number) >= 1))
    throw new ValueError(op, `${name} must be an integer ≥ 1, got ${String(v)}`);
};

/**
 * Limited-memory BFGS (torch.optim.LBFGS), over all parameters as one vector: each `step`
 * runs up to maxIter quasi-Newton iterations, calling `closure` (which zeroes the
 * gradients, computes the loss, calls backward and returns the loss) for every evaluation,
 * with a fixed step lr or a strong-Wolfe line search. One parameter group, as in PyTorch.
 */
export class LBFGS extends Optimizer<LBFGSOptions> {
  constructor(
    params: readonly Tensor[] | readonly ParamGroupSpec<LBFGSOptions>[],
    opts: Partial<LBFGSOptions> = {},
  ) {
    super(
      params,
      {
        lr: 1,
        maxIter: 20,
        maxEval: null,
        toleranceGrad: 1e-7,
        toleranceChange: 1e-9,
        historySize: 100,
        lineSearchFn: null,
      },
      opts,
      {
        rules: {
          lr: nonNegative,
          maxIter: count,
          maxEval: (op, name, v) => (v === null ? undefined : count(op, name, v)),
          toleranceGrad: nonNegative,
          toleranceChange: nonNegative,
          historySize: count,
          lineSearchFn: (op, name, v) => {
            if (v !== null) checkOneOf(op, name, v, ['strong_wolfe']);
          },
        },
        state: {
          funcEvals: 'count',
          nIter: 'count',
          d: 'flat',
          t: 'number',
          oldDirs: 'flat',
          oldStps: 'flat',
          ro: 'flat',
          hDiag: 'number',
          prevFlatGrad: 'flat',
          prevLoss: 'number',
        },
      },
    );
    if (this.paramGroups.length !== 1)
      throw new ValueError('LBFGS', "doesn't support per-parameter options (parameter groups)");
  }

  protected update(): void {
    throw new ValueError('LBFGS', 'step needs a closure that returns the loss');
  }

  /** Up to maxIter iterations; returns the loss of the first closure call. */
  override step(closure?: () => Tensor | number): Tensor | number {
    if (typeof closure !== 'function')
      throw new ValueError(
        'LBFGS',
        'step needs a closure that computes the loss, calls backward and returns the loss',
      );
    const o = this.paramGroups[0];
    const params = o.params;
    const maxEval = o.maxEval ?? Math.floor((o.maxIter * 5) / 4);
    const n = params.reduce((k, p) => k + p.size, 0);
    let s = this.state.get(params[0]);
    if (s === undefined) this.state.set(params[0], (s = { funcEvals: 0, nIter: 0 }));
    const state = s;
    const evaluate = (): number => {
      const loss = closure();
      return loss instanceof Tensor ? loss.item() : Number(loss);
    };
    const flatGrad = (): Float64Array => {
      const out = new Float64Array(n);
      let k = 0;
      for (const p of params) {
        if (p.grad !== null) out.set(p.grad.data, k);
        k += p.size;
      }
      return out;
    };
    const addToParams = (t: number, d: Float64Array) =>
      noGrad(() => {
        let k = 0;
        for (const p of params) {
          const at = k;
          writeInPlace(p, (data) => {
            for (let i = 0; i < data.length; i++) data[i] += t * d[at + i];
          });
          k += p.size;
        }
      });
    const firstLoss = closure();
    let loss = firstLoss instanceof Tensor ? firstLoss.item() : Number(firstLoss);
    let evals = 1;
    state.funcEvals = (state.funcEvals as number) + 1;
    let g = flatGrad();
    if (absMax(g) <= o.toleranceGrad) return firstLoss;
    const history = readHistory(state, n);
    let { d, t } = history;
    const { oldDirs, oldStps, ro } = history;
    let hDiag = history.hDiag;
    let prevGrad = history.prevFlatGrad;
    let prevLoss = history.prevLoss;
    let iter = 0;
    while (iter < o.maxIter) {
      iter++;
      state.nIter = (state.nIter as number) + 1;
      if (state.nIter === 1) {
        d = g.map((v) => -v);
        oldDirs.length = oldStps.length = ro.length = 0;
        hDiag = 1;
      } else {
        // the curvature pair of the last step, kept when it is positive
        const y = g.map((v, i) => v - (prevGrad as Float64Array)[i]);
        const step = (d as Float64Array).map((v) => v * t);
        const ys = dot(y, step);
        if (ys > 1e-10) {
          if (oldDirs.length === o.historySize) {
            oldDirs.shift();
            oldStps.shift();
            ro.shift();
          }
          oldDirs.push(y);
          oldStps.push(step);
          ro.push(1 / ys);
          hDiag = ys / dot(y, y);
        }
        // the two-loop recursion: d = −H·g
        const al = new Array<number>(oldDirs.length);
        const q = g.map((v) => -v);
        for (let i = oldDirs.length - 1; i >= 0; i--) {
          al[i] = dot(oldStps[i], q) * ro[i];
          for (let k = 0; k < n; k++) q[k] -= al[i] * oldDirs[i][k];
        }
        const r = q.map((v) => v * hDiag);
        for (let i = 0; i < oldDirs.length; i++) {
          const be = dot(oldDirs[i], r) * ro[i];
          for (let k = 0; k < n; k++) r[k] += (al[i] - be) * oldStps[i][k];
        }
        d = r;
      }
      const dir = d as Float64Array;
      prevGrad = g.slice();
      prevLoss = loss;
      t = state.nIter === 1 ? Math.min(1, 1 / g.reduce((a, v) => a + Math.abs(v), 0)) * o.lr : o.lr;
      const gtd = dot(g, dir);
      if (gtd > -o.toleranceChange) break;
      let lsEvals = 0;
      let converged = false;
      if (o.lineSearchFn === 'strong_wolfe') {
        const start = params.map((p) => p.detach().clone());
        const directional = (step: number): [number, Float64Array] => {
          addToParams(step, dir);
          const f = evaluate();
          const grad = flatGrad();
          noGrad(() =>
            params.forEach((p, i) => writeInPlace(p, (data) => data.set(start[i].data))),
          );
          return [f, grad];
        };
        const found = strongWolfe(directional, dir, t, loss, g, gtd);
        [loss, g, t, lsEvals] = [found.f, found.g, found.t, found.evals];
        addToParams(t, dir);
        converged = absMax(g) <= o.toleranceGrad;
      } else {
        addToParams(t, dir);
        if (iter !== o.maxIter) {
          loss = evaluate();
          g = flatGrad();
          converged = absMax(g) <= o.toleranceGrad;
          lsEvals = 1;
        }
      }
      evals += lsEvals;
      state.funcEvals = (state.funcEvals as number) + lsEvals;
      if (iter === o.maxIter || evals >= maxEval || converged) break;
      if (absMax(dir) * Math.abs(t) <= o.toleranceChange) break;
      if (Math.abs(loss - prevLoss) < o.toleranceChange) break;
    }
    writeHistory(
      state,
      { d, t, oldDirs, oldStps, ro, hDiag, prevFlatGrad: prevGrad, prevLoss },
      params[0],
    );
    return firstLoss;
  }
}

interface History {
  d: Float64Array | null;
  t: number;
  oldDirs: Float64Array[];
  oldStps: Float64Array[];
  ro: number[];
  hDiag: number;
  prevFlatGrad: Float64Array | null;
  prevLoss: number;
}

/** The search history kept in the state (as tensors, so that stateDict saves it). */
function readHistory(s: ParamState, n: number): History {
  const rows = (key: string) => {
    const t = s[key] as Tensor | undefined;
    if (t === undefined) return [];
    const data = Float64Array.from(t.data);
    return Array.from({ length: t.shape[0] }, (_, i) => data.slice(i * n, (i + 1) * n));
  };
  const flat = (key: string) =>
    s[key] instanceof Tensor ? Float64Array.from((s[key] as Tensor).data) : null;
  return {
    d: flat('d'),
    t: (s.t as number | undefined) ?? 0,
    oldDirs: rows('oldDirs'),
    oldStps: rows('oldStps'),
    ro: s.ro instanceof Tensor ? Array.from(s.ro.data) : [],
    hDiag: (s.hDiag as number | undefined) ?? 1,
    prevFlatGrad: flat('prevFlatGrad'),
    prevLoss: (s.prevLoss as number | undefined) ?? 0,
  };
}

function writeHistory(s: ParamState, h: History, like: Tensor): void {
  const dtype = like.dtype;
  const tensor = (rows: Float64Array[], n: number) => {
    const data = new Float64Array(rows.length * n);
    rows.forEach((r, i) => data.set(r, i * n));
    return new Tensor(data, [rows.length, n]).cast(dtype);
  };
  const n = h.d?.length ?? 0;
  if (h.d !== null) s.d = new Tensor(h.d, [n]).cast(dtype);
  if (h.prevFlatGrad !== null) s.prevFlatGrad = new Tensor(h.prevFlatGrad, [n]).cast(dtype);
  s.oldDirs = tensor(h.oldDirs, n);
  s.oldStps = tensor(h.oldStps, n);
  s.ro = new Tensor(Float64Array.from(h.ro), [h.ro.length]).cast(dtype);
  s.t = h.t;
  s.hDiag = h.hDiag;
  s.prevLoss = h.prevLoss;
}
