// Each @ad layer as the torch.nn constructor call that builds the same layer: same arguments,
// same parameter names and shapes, so a state dict moves between the two unchanged.
import { Module } from '../module';
import { Linear, Embedding, Flatten, Unflatten } from '../layers/linear';
import { Dropout } from '../layers/dropout';
import {
  ReLU,
  LeakyReLU,
  ELU,
  GELU,
  Tanh,
  Sigmoid,
  SiLU,
  Softplus,
  Softmax,
  LogSoftmax,
} from '../layers/activation';
import {
  Hardtanh,
  ReLU6,
  Hardsigmoid,
  Hardswish,
  Mish,
  Softsign,
  SELU,
  CELU,
  LogSigmoid,
  GLU,
} from '../layers/activation-more';
import { Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d } from '../layers/conv';
import {
  MaxPool1d,
  MaxPool2d,
  AvgPool1d,
  AvgPool2d,
  AdaptiveAvgPool1d,
  AdaptiveAvgPool2d,
} from '../layers/pool';
import { BatchNorm1d, BatchNorm2d, BatchNorm3d } from '../layers/batchnorm';
import { LayerNorm, RMSNorm, GroupNorm } from '../layers/norm';
import { RNN, LSTM, GRU } from '../layers/recurrent';
import { MultiheadAttention } from '../layers/attention';
import { TransformerEncoderLayer } from '../layers/transformer';
import { py } from './python';

type Spec = [new (...args: never[]) => Module, (m: never) => string | null];

/** `nn.Name(args…, key=value…)`; keyword arguments whose value is undefined are left out. */
function call(name: string, args: unknown[], kwargs: Record<string, unknown> = {}): string {
  const kw = Object.entries(kwargs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${py(v)}`);
  return `nn.${name}(${[...args.map(py), ...kw].join(', ')})`;
}

const simple = (name: string) => (): string => call(name, []);

// most specific classes first: MLP is a Sequential
const SPECS: Spec[] = [
  [Linear, (m: Linear) => call('Linear', [m.inFeatures, m.outFeatures], { bias: m.bias !== null })],
  [
    Embedding,
    (m: Embedding) =>
      call('Embedding', [m.numEmbeddings, m.embeddingDim], {
        padding_idx: m.paddingIdx ?? undefined,
      }),
  ],
  [Flatten, (m: Flatten) => call('Flatten', [m.startDim, m.endDim])],
  [Unflatten, (m: Unflatten) => call('Unflatten', [m.dim, m.unflattenedSize])],
  [Dropout, (m: Dropout) => call('Dropout', [m.p])],
  [ReLU, simple('ReLU')],
  [LeakyReLU, (m: LeakyReLU) => call('LeakyReLU', [m.negativeSlope])],
  [ELU, (m: ELU) => call('ELU', [m.alpha])],
  [GELU, (m: GELU) => call('GELU', [], { approximate: m.approximate })],
  [Tanh, simple('Tanh')],
  [Sigmoid, simple('Sigmoid')],
  [SiLU, simple('SiLU')],
  [Softplus, (m: Softplus) => call('Softplus', [], { beta: m.beta, threshold: m.threshold })],
  [Softmax, (m: Softmax) => call('Softmax', [], { dim: m.dim })],
  [LogSoftmax, (m: LogSoftmax) => call('LogSoftmax', [], { dim: m.dim })],
  [Hardtanh, (m: Hardtanh) => call('Hardtanh', [m.minVal, m.maxVal])],
  [ReLU6, simple('ReLU6')],
  [Hardsigmoid, simple('Hardsigmoid')],
  [Hardswish, simple('Hardswish')],
  [Mish, simple('Mish')],
  [Softsign, simple('Softsign')],
  [SELU, simple('SELU')],
  [CELU, (m: CELU) => call('CELU', [m.alpha])],
  [LogSigmoid, simple('LogSigmoid')],
  [GLU, (m: GLU) => call('GLU', [], { dim: m.dim })],
  [Conv1d, (m: Conv1d) => conv('Conv1d', m)],
  [Conv2d, (m: Conv2d) => conv('Conv2d', m)],
  [ConvTranspose1d, (m: ConvTranspose1d) => convTranspose('ConvTranspose1d', m)],
  [ConvTranspose2d, (m: ConvTranspose2d) => convTranspose('ConvTranspose2d', m)],
  [MaxPool1d, (m: MaxPool1d) => pool('MaxPool1d', m.kernelSize, m.opts)],
  [MaxPool2d, (m: MaxPool2d) => pool('MaxPool2d', m.kernelSize, m.opts)],
  [AvgPool1d, (m: AvgPool1d) => pool('AvgPool1d', m.kernelSize, m.opts)],
  [AvgPool2d, (m: AvgPool2d) => pool('AvgPool2d', m.kernelSize, m.opts)],
  [AdaptiveAvgPool1d, (m: AdaptiveAvgPool1d) => call('AdaptiveAvgPool1d', [m.outputSize])],
  [AdaptiveAvgPool2d, (m: AdaptiveAvgPool2d) => call('AdaptiveAvgPool2d', [m.outputSize])],
  [BatchNorm1d, (m: BatchNorm1d) => batchNorm('BatchNorm1d', m)],
  [BatchNorm2d, (m: BatchNorm2d) => batchNorm('BatchNorm2d', m)],
  [BatchNorm3d, (m: BatchNorm3d) => batchNorm('BatchNorm3d', m)],
  [
    LayerNorm,
    (m: LayerNorm) =>
      call('LayerNorm', [m.normalizedShape], {
        eps: m.eps,
        elementwise_affine: m.weight !== null,
        bias: m.weight !== null && m.bias === null ? false : undefined,
      }),
  ],
  [
    RMSNorm,
    (m: RMSNorm) =>
      call('RMSNorm', [m.normalizedShape], { eps: m.eps, elementwise_affine: m.weight !== null }),
  ],
  [
    GroupNorm,
    (m: GroupNorm) =>
      call('GroupNorm', [m.numGroups, m.numChannels], { eps: m.eps, affine: m.weight !== null }),
  ],
  [RNN, (m: RNN) => recurrent('RNN', m)],
  [LSTM, (m: LSTM) => recurrent('LSTM', m)],
  [GRU, (m: GRU) => recurrent('GRU', m)],
  [
    MultiheadAttention,
    (m: MultiheadAttention) =>
      call('MultiheadAttention', [m.embedDim, m.numHeads], {
        dropout: m.dropout,
        bias: m.in_proj_bias !== null,
        kdim: m.kdim,
        vdim: m.vdim,
        batch_first: m.batchFirst,
      }),
  ],
  [TransformerEncoderLayer, (m: TransformerEncoderLayer) => encoderLayer(m)],
];

function conv(name: string, m: Conv1d | Conv2d): string {
  return call(name, [m.inChannels, m.outChannels, m.kernelSize], {
    stride: m.stride,
    padding: m.padding,
    dilation: m.dilation,
    groups: m.groups,
    bias: m.bias !== null,
    padding_mode: m.paddingMode,
  });
}

function convTranspose(name: string, m: ConvTranspose1d | ConvTranspose2d): string {
  return call(name, [m.inChannels, m.outChannels, m.kernelSize], {
    stride: m.stride,
    padding: m.padding,
    output_padding: m.outputPadding,
    groups: m.groups,
    bias: m.bias !== null,
    dilation: m.dilation,
  });
}

function pool(name: string, kernel: unknown, opts: object): string {
  const o = opts as Record<string, unknown>;
  return call(name, [kernel], {
    stride: o.stride ?? undefined,
    padding: o.padding,
    dilation: o.dilation,
    ceil_mode: o.ceilMode,
    count_include_pad: o.countIncludePad,
    divisor_override: o.divisorOverride ?? undefined,
  });
}

function batchNorm(name: string, m: BatchNorm1d): string {
  return call(name, [m.numFeatures], {
    eps: m.eps,
    momentum: m.momentum,
    affine: m.weight !== null,
    track_running_stats: m.namedBuffers().length > 0,
  });
}

function recurrent(name: string, m: RNN | LSTM | GRU): string {
  return call(name, [m.inputSize, m.hiddenSize], {
    num_layers: m.numLayers,
    nonlinearity: m.mode === 'RNN_RELU' ? 'relu' : undefined,
    bias: m.bias,
    batch_first: m.batchFirst,
    dropout: m.dropout,
    bidirectional: m.bidirectional,
  });
}

function encoderLayer(m: TransformerEncoderLayer): string | null {
  if (m.activationName === null) return null;
  return call('TransformerEncoderLayer', [m.dModel, m.nhead], {
    dim_feedforward: m.linear1.outFeatures,
    dropout: m.dropout.p,
    activation: m.activationName,
    layer_norm_eps: m.norm1.eps,
    batch_first: m.self_attn.batchFirst,
    norm_first: m.normFirst,
  });
}

/** The torch.nn constructor call of a layer torch.nn has; null for other modules. */
export function torchLayer(m: Module): string | null {
  for (const [cls, spec] of SPECS) if (m instanceof cls) return spec(m as never);
  return null;
}
