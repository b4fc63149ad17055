// Convolutions, pooling and resizing as ONNX nodes (opset 17), over inputs with a batch dim
// or without one (as PyTorch allows).
import { type CapturedCall, Tensor, ValueError } from '@ad/core';
import { type Rule, toShape } from './common';
import type { Attribute, Graph } from './graph';

const pair = (v: unknown, n: number): number[] =>
  Array.isArray(v) ? [...v] : Array.from({ length: n }, () => Number(v ?? 0));

/** A convolution or pooling op over inputs with a batch dim, or without one (as PyTorch allows). */
function batched(
  g: Graph,
  c: CapturedCall,
  spatial: number,
  emit: (x: string) => string,
): string[] {
  const x = c.args[0] as Tensor;
  if (x.ndim === spatial + 2) return [emit(g.name(x))];
  const y = emit(toShape(g, g.name(x), [1, ...x.shape]));
  return [toShape(g, y, c.outs[0].shape)];
}

function conv(spatial: number): Rule {
  return (g, c) => {
    const [, w, b, opts = {}] = c.args as [Tensor, Tensor, Tensor | null, Record<string, unknown>];
    const k = w.shape.slice(2);
    const dilations = pair(opts.dilation ?? 1, spatial);
    let pads: number[];
    if (opts.padding === 'same') {
      const total = k.map((kk, i) => dilations[i] * (kk - 1));
      pads = [...total.map((t) => Math.floor(t / 2)), ...total.map((t) => t - Math.floor(t / 2))];
    } else {
      const p = opts.padding === 'valid' ? pair(0, spatial) : pair(opts.padding ?? 0, spatial);
      pads = [...p, ...p];
    }
    const inputs = (x: string) => [x, g.name(w), ...(b ? [g.name(b)] : [])];
    return batched(g, c, spatial, (x) =>
      g.node('Conv', inputs(x), {
        kernel_shape: k,
        strides: pair(opts.stride ?? 1, spatial),
        pads,
        dilations,
        group: Number(opts.groups ?? 1),
      }),
    );
  };
}

function pool(kind: 'MaxPool' | 'AveragePool', spatial: number): Rule {
  return (g, c) => {
    const [, kernel, opts = {}] = c.args as [Tensor, unknown, Record<string, unknown>];
    if (opts.divisorOverride != null)
      throw new ValueError('exportOnnx', 'avgPool with divisorOverride has no ONNX AveragePool');
    const k = pair(kernel, spatial);
    const p = pair(opts.padding ?? 0, spatial);
    const attrs: Record<string, Attribute> = {
      kernel_shape: k,
      strides: opts.stride == null ? k : pair(opts.stride, spatial),
      pads: [...p, ...p],
      ceil_mode: opts.ceilMode ? 1 : 0,
    };
    if (kind === 'MaxPool') attrs.dilations = pair(opts.dilation ?? 1, spatial);
    else attrs.count_include_pad = opts.countIncludePad === false ? 0 : 1;
    return batched(g, c, spatial, (x) => g.node(kind, [x], attrs));
  };
}

function adaptiveAvg(spatial: number): Rule {
  return (g, c) => {
    const x = c.args[0] as Tensor;
    const inner = x.shape.slice(-spatial);
    const outer = c.outs[0].shape.slice(-spatial);
    if (outer.every((o) => o === 1))
      return batched(g, c, spatial, (v) => g.node('GlobalAveragePool', [v]));
    if (outer.some((o, i) => inner[i] % o !== 0))
      throw new ValueError(
        'exportOnnx',
        `adaptive average pooling from [${inner}] to [${outer}] has uneven windows, which ONNX cannot express`,
      );
    const k = inner.map((n, i) => n / outer[i]);
    return batched(g, c, spatial, (v) =>
      g.node('AveragePool', [v], { kernel_shape: k, strides: k }),
    );
  };
}

function convTranspose(spatial: number): Rule {
  return (g, c) => {
    const [, w, b, opts = {}] = c.args as [Tensor, Tensor, Tensor | null, Record<string, unknown>];
    const p = pair(opts.padding ?? 0, spatial);
    const inputs = (x: string) => [x, g.name(w), ...(b ? [g.name(b)] : [])];
    // PyTorch's weight layout [in, out / groups, k…] is ConvTranspose's
    return batched(g, c, spatial, (x) =>
      g.node('ConvTranspose', inputs(x), {
        kernel_shape: w.shape.slice(2),
        strides: pair(opts.stride ?? 1, spatial),
        pads: [...p, ...p],
        output_padding: pair(opts.outputPadding ?? 0, spatial),
        dilations: pair(opts.dilation ?? 1, spatial),
        group: Number(opts.groups ?? 1),
      }),
    );
  };
}

/**
 * interpolate as Resize: PyTorch's coordinate conventions by name — nearest is `asymmetric`
 * with `floor`, nearest-exact `half_pixel` rounding halves up, linear `pytorch_half_pixel`
 * or `align_corners`. A given scale factor is passed as the scale (PyTorch maps coordinates
 * with it, not with the ratio of sizes), a size as the sizes.
 */
const resize: Rule = (g, c) => {
  const [x, opts] = c.args as [Tensor, Record<string, unknown>];
  const mode = String(opts.mode ?? 'nearest');
  const spatial = x.ndim - 2;
  const attrs: Record<string, Attribute> =
    mode === 'nearest'
      ? { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' }
      : mode === 'nearest-exact'
        ? {
            mode: 'nearest',
            coordinate_transformation_mode: 'half_pixel',
            nearest_mode: 'round_prefer_ceil',
          }
        : {
            mode: 'linear',
            coordinate_transformation_mode: opts.alignCorners
              ? 'align_corners'
              : 'pytorch_half_pixel',
          };
  const scale = opts.scaleFactor;
  const inputs =
    scale != null
      ? [g.name(x), '', g.constant([1, 1, ...pair(scale, spatial)], 'float32')]
      : [g.name(x), '', '', g.constant([...c.outs[0].shape], 'int64')];
  return [g.node('Resize', inputs, attrs)];
};

export const SPATIAL: Record<string, Rule> = {
  'functional.convTranspose1d': convTranspose(1),
  'functional.convTranspose2d': convTranspose(2),
  'functional.interpolate': resize,
  'functional.conv1d': conv(1),
  'functional.conv2d': conv(2),
  'functional.maxPool1d': pool('MaxPool', 1),
  'functional.maxPool2d': pool('MaxPool', 2),
  'functional.avgPool1d': pool('AveragePool', 1),
  'functional.avgPool2d': pool('AveragePool', 2),
  'functional.adaptiveAvgPool1d': adaptiveAvg(1),
  'functional.adaptiveAvgPool2d': adaptiveAvg(2),
};
