// onnxruntime-node checks typed arrays with `instanceof` against Node's own constructors, which
// jest's sandbox replaces with its own: tests that run ONNX models share Node's.
import { TestEnvironment } from 'jest-environment-node';

const SHARED = [
  'Float32Array',
  'Float64Array',
  'Int8Array',
  'Int16Array',
  'Int32Array',
  'Uint8Array',
  'Uint16Array',
  'Uint32Array',
  'BigInt64Array',
  'BigUint64Array',
  'ArrayBuffer',
] as const;

export default class OrtEnvironment extends TestEnvironment {
  override async setup(): Promise<void> {
    await super.setup();
    for (const name of SHARED) this.global[name] = globalThis[name] as never;
  }
}
