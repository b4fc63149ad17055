// A typedoc plugin: Tensor's methods are one-line sugar over the op functions of the same
// name, so the reference shows each method with its op's documentation instead of repeating
// ~100 comments in tensor.ts.
import { Converter, ReflectionKind } from 'typedoc';

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_END, (context) => {
    const project = context.project;
    const ops = new Map();
    // ops are functions or consts made by a factory (`export const add = binary(…)`)
    for (const f of project.getReflectionsByKind(ReflectionKind.Function | ReflectionKind.Variable)) {
      const comment = f.signatures?.[0]?.comment ?? f.comment;
      if (f.parent?.name === 'core/src' && comment) ops.set(f.name, comment);
    }
    for (const m of project.getReflectionsByKind(ReflectionKind.Method)) {
      if (!['Tensor', 'Parameter'].includes(m.parent?.name)) continue;
      const comment = ops.get(m.name);
      if (!comment) continue;
      for (const sig of m.signatures ?? []) if (!sig.comment) sig.comment = comment.clone();
    }
  });
}
