import type { Recording, Step } from './recording';
import type { Run } from './program';

export function fuseSteps(
  _steps: readonly Step[],
  _at: number,
  _recording: Recording,
): { run: Run; count: number } | null {
  return null;
}
