// What the WebAssembly kernels and their TypeScript callers agree on: op codes, operand
// layouts and where things sit in the module's memory. One source, imported by both sides:
// the AssemblyScript in packages/core/assembly (scripts/build-wasm.mjs compiles this file
// with it) and the TypeScript in this folder. Plain integer constants, so that the file is
// valid in both languages.

// element-wise functions of one argument (mapF32/mapF64); float64 has those below EXP only
export const NEG = 0;
export const ABS = 1;
export const SQUARE = 2;
export const SQRT = 3;
export const RELU = 4;
export const EXP = 5;
export const TANH = 6;
export const SIGMOID = 7;

// element-wise functions of two arguments (zipF32/zipF64)
export const ADD = 0;
export const SUB = 1;
export const MUL = 2;
export const DIV = 3;
export const MAXIMUM = 4;
export const MINIMUM = 5;
export const TANH_BACKWARD = 6;
export const SIGMOID_BACKWARD = 7;
export const RELU_BACKWARD = 8;

// reductions (foldF32/foldF64)
export const SUM = 0;
export const MAX = 1;
export const MIN = 2;

// what an optimizer update does (sgdF32/adamF32…): flags, or-ed
export const MAXIMIZE = 1;
export const NESTEROV = 2;
/** SGD's first step with momentum: the buffer starts as the gradient. */
export const FIRST = 4;
/** AdamW: the weights decay directly, not through the gradient. */
export const DECOUPLED = 8;
export const AMSGRAD = 16;

// how a zip operand covers an output of rows×cols
export const FULL = 0;
export const ROW = 1;
export const COLUMN = 2;
export const SCALAR = 3;

// the memory, in bytes: AssemblyScript's static data, then the workers' control block, then
// 64 bytes where zip kernels splat scalars, then the buffers the callers lay out
export const CONTROL = 32768;
export const SPLAT = 65536 - 64;
export const RESERVED = 65536;
export const PAGE = 65536;
