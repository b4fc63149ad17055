// The import rules of @ad (npm test checks them, packages/core/test/layers.test.ts): layers
// import one way — kernels ← dtype/shape/errors ← tape ← ops ← Tensor methods ← autograd — and
// no module reaches itself through runtime imports (type-only imports are erased, so they may).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'a runtime import cycle: split the module or move the shared part down a layer',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'kernels-are-the-bottom-layer',
      comment: 'kernels are raw loops: they know nothing of tensors, the tape or the ops',
      severity: 'error',
      from: { path: '^packages/core/src/kernels/' },
      to: {
        path: '^packages/core/src/',
        pathNot: ['^packages/core/src/kernels/', '^packages/core/src/dtype\\.ts$'],
      },
    },
    {
      name: 'backends-stand-apart',
      comment:
        'a backend (kernels/ts, kernels/wasm, …) implements the Kernels interface on its own: it imports only its own folder, the interface and the strided walk',
      severity: 'error',
      from: { path: '^packages/core/src/kernels/([^/]+)/' },
      to: {
        path: '^packages/core/src/kernels/',
        pathNot: [
          '^packages/core/src/kernels/$1/',
          '^packages/core/src/kernels/kernels\\.ts$',
          '^packages/core/src/kernels/strided\\.ts$',
        ],
      },
    },
    {
      name: 'ops-call-the-dispatcher',
      comment:
        'ops reach kernels through kernels/index.ts, which sends each call to the backend in use',
      severity: 'error',
      from: { path: '^packages/core/src/(ops|tensor|methods|autograd)' },
      to: { path: '^packages/core/src/kernels/[^/]+/' },
    },
    {
      name: 'tensor-below-the-ops',
      comment:
        'tensor.ts holds data and bookkeeping; the ops make tensors and methods.ts adds their methods',
      severity: 'error',
      from: { path: '^packages/core/src/tensor\\.ts$' },
      to: { path: '^packages/core/src/(ops/|methods|autograd)', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'core-stands-alone',
      comment: '@ad/core has no runtime dependencies, and knows nothing of @ad/nn',
      severity: 'error',
      from: { path: '^packages/core/src/' },
      to: { path: '(^packages/nn/|node_modules)' },
    },
  ],
  options: {
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    parser: 'tsc',
    doNotFollow: { path: 'node_modules' },
  },
};
