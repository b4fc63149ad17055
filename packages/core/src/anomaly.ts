import { checkBool, checkFunction } from './args';
import { ValueError } from './errors';
import type { Tensor } from './tensor';

let enabled = false;

export function anomalyEnabled(): boolean {
  return enabled;
}

/**
 * Runs `fn` in anomaly mode: any NaN or Inf made by an op, forward or backward, throws an
 * error naming the op and, for backward, where its forward was called.
 */
export function detectAnomaly<T>(fn: () => T): T {
  checkFunction('detectAnomaly', 'the argument', fn);
  const previous = enabled;
  enabled = true;
  try {
    return fn();
  } finally {
    enabled = previous;
  }
}

/** Switches anomaly mode on or off globally (PyTorch's `set_detect_anomaly`). */
export function setDetectAnomaly(on: boolean): void {
  enabled = checkBool('setDetectAnomaly', 'on', on);
}

/** Throws if `x` holds a NaN or an infinity. */
export function checkFinite(
  op: string,
  x: Tensor,
  pass: 'forward' | 'backward',
  stack?: string,
): void {
  const d = x.data;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i])) {
      const where = stack ? `\nThe forward call of ${op} was:\n${callerFrames(stack)}` : '';
      throw new ValueError(
        op,
        `anomaly: ${pass} produced ${d[i]} at flat index ${i} of a tensor of shape [${x.shape.join(',')}]${where}`,
      );
    }
  }
}

/** The stack below the library's own frames (those show when running from source). */
function callerFrames(stack: string): string {
  const frames = stack.split('\n').slice(1);
  const own = /[\\/]packages[\\/]core[\\/]src[\\/]/;
  const first = frames.findIndex((f) => !own.test(f));
  return frames.slice(first < 0 ? 0 : first).join('\n');
}
