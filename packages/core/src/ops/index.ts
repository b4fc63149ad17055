export * from './activation';
export * from './binary';
export * from './creation';
export * from './indexing';
export * from './matmul';
export * from './movement';
export * from './reduce';
export { abs, ceil, clamp, cos, erf, exp, expm1, floor, log, log1p, neg, reciprocal, round, rsqrt, sigmoid, sign, sin, sqrt, square, tan, tanh } from './unary';
export type { TensorLike } from './op';
