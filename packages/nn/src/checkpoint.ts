import { Generator, type Tensor, ValueError } from '@ad/core';
import { Module } from './module';
import { Optimizer, type OptimizerState, type ParamState } from './optim/optimizer';
import { decodeSafetensors, encodeSafetensors, jsonDepth, MAX_JSON_DEPTH } from './safetensors';

const FORMAT = 'ad-checkpoint/1';

/** What a checkpoint holds: the model, and optionally an optimizer, a generator and user data. */
export interface CheckpointParts {
  model: Module;
  optimizer?: Optimizer<{ lr: number }>;
  generator?: Generator;
  /** Any JSON-serialisable value (epoch, history…). */
  extra?: unknown;
}

/**
 * A checkpoint as safetensors bytes: model tensors under `model.<name>`, optimizer buffers
 * under `optimizer.<param index>.<key>`, and the optimizer's counters and options, the
 * generator's state and `extra` as JSON in the metadata.
 */
export function encodeCheckpoint(parts: CheckpointParts): Uint8Array {
  if (typeof parts !== 'object' || parts === null || typeof parts.model?.stateDict !== 'function') {
    throw new ValueError(
      'saveCheckpoint',
      'expected { model, optimizer?, generator?, extra? } with a Module as model',
    );
  }
  if (parts.optimizer !== undefined && !(parts.optimizer instanceof Optimizer))
    throw new ValueError('saveCheckpoint', 'optimizer must be an Optimizer');
  if (parts.generator !== undefined && !(parts.generator instanceof Generator))
    throw new ValueError('saveCheckpoint', 'generator must be a Generator');
  const tensors = new Map<string, Tensor>();
  for (const [k, t] of Object.entries(parts.model.stateDict())) tensors.set(`model.${k}`, t);
  const metadata: Record<string, string> = { format: FORMAT };
  if (parts.optimizer) {
    const sd = parts.optimizer.stateDict();
    const scalars: Record<string, Record<string, number>> = {};
    for (const [i, s] of Object.entries(sd.state)) {
      for (const [k, v] of Object.entries(s)) {
        if (typeof v === 'number') (scalars[i] ??= {})[k] = v;
        else tensors.set(`optimizer.${i}.${k}`, v);
      }
    }
    metadata.optimizer = JSON.stringify({
      type: parts.optimizer.constructor.name,
      paramGroups: sd.paramGroups,
      scalars,
    });
  }
  if (parts.generator) metadata.generator = JSON.stringify(parts.generator.getState());
  if (parts.extra !== undefined) metadata.extra = toJson(parts.extra);
  return encodeSafetensors(tensors, metadata);
}

/**
 * Restores a checkpoint into `parts`. Everything is decoded and checked first (format,
 * every tensor against the model, the optimizer state, the generator state); only then is
 * anything changed, so a bad file leaves model, optimizer and generator as they were.
 * Returns the checkpoint's `extra`.
 */
export function restoreCheckpoint(
  bytes: Uint8Array,
  parts: Omit<CheckpointParts, 'extra'>,
): unknown {
  const fail = (why: string): never => {
    throw new ValueError('loadCheckpoint', why);
  };
  if (!(bytes instanceof Uint8Array)) fail('expected the checkpoint as bytes (a Uint8Array)');
  if (typeof parts !== 'object' || parts === null || !(parts.model instanceof Module))
    fail('expected { model, optimizer?, generator? } with a Module as model');
  const { tensors, metadata } = decodeSafetensors(bytes);
  if (metadata.format !== FORMAT)
    fail(`not an @ad checkpoint (format ${JSON.stringify(metadata.format)})`);
  const model: Record<string, Tensor> = Object.create(null);
  const buffers: Record<string, ParamState> = Object.create(null);
  for (const [name, t] of tensors) {
    let m: RegExpExecArray | null;
    if ((m = /^model\.(.+)$/.exec(name))) model[m[1]] = t;
    else if ((m = /^optimizer\.(\d+)\.(\w+)$/.exec(name)))
      (buffers[m[1]] ??= Object.create(null))[m[2]] = t;
    else fail(`unexpected tensor '${name}'`);
  }
  // everything is parsed and checked before anything is applied: a bad file changes nothing
  parts.model.checkStateDict(model);
  const optimizerState = parts.optimizer
    ? optimizerStateOf(metadata, buffers, parts.optimizer, fail)
    : undefined;
  let rng: (number | null)[] | undefined;
  if (parts.generator) {
    if (!(parts.generator instanceof Generator)) fail('generator must be a Generator');
    if (metadata.generator === undefined) fail('the checkpoint has no generator state');
    rng = parseJson(metadata.generator, 'generator', fail) as (number | null)[];
    new Generator().setState(rng); // validates without touching the real one
  }
  const extra = metadata.extra === undefined ? undefined : parseJson(metadata.extra, 'extra', fail);
  parts.model.loadStateDict(model);
  if (optimizerState) parts.optimizer!.loadStateDict(optimizerState);
  if (rng) parts.generator!.setState(rng);
  return extra;
}

type AnyOptimizer = Optimizer<{ lr: number }>;

function toJson(extra: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(extra);
  } catch (e) {
    throw new ValueError(
      'saveCheckpoint',
      `extra must be JSON-serialisable: ${(e as Error).message}`,
    );
  }
  if (text === undefined)
    throw new ValueError('saveCheckpoint', `extra must be JSON-serialisable, got ${typeof extra}`);
  return text;
}

/** The optimizer's state from the metadata and buffers, checked against `optimizer`. */
function optimizerStateOf(
  metadata: Record<string, string>,
  buffers: Record<string, ParamState>,
  optimizer: AnyOptimizer,
  fail: (why: string) => never,
): OptimizerState<{ lr: number }> {
  if (!(optimizer instanceof Optimizer)) fail('optimizer must be an Optimizer');
  if (metadata.optimizer === undefined) fail('the checkpoint has no optimizer state');
  const o = parseJson(metadata.optimizer, 'optimizer', fail) as Record<string, unknown>;
  if (typeof o !== 'object' || o === null || Array.isArray(o))
    fail('the optimizer metadata is not an object');
  const {
    type,
    paramGroups,
    scalars = {},
  } = o as { type: unknown; paramGroups: unknown; scalars?: unknown };
  if (type !== optimizer.constructor.name)
    fail(`the checkpoint's optimizer is ${String(type)}, not ${optimizer.constructor.name}`);
  if (typeof scalars !== 'object' || scalars === null || Array.isArray(scalars))
    fail('the optimizer scalars are not an object');
  const counters = scalars as Record<string, unknown>;
  const state: Record<number, ParamState> = {};
  for (const i of new Set([...Object.keys(buffers), ...Object.keys(counters)])) {
    const c = counters[i] ?? {};
    if (typeof c !== 'object' || c === null || Array.isArray(c))
      fail(`the optimizer scalars of parameter ${i} are not an object`);
    state[Number(i)] = { ...(c as ParamState), ...(buffers[i] ?? {}) };
  }
  const sd = { state, paramGroups } as OptimizerState<{ lr: number }>;
  optimizer.checkStateDict(sd);
  return sd;
}

/** Parses JSON from the file's metadata, refusing nesting deep enough to exhaust the parser. */
function parseJson(text: string, what: string, fail: (why: string) => never): unknown {
  const depth = jsonDepth(text);
  if (depth > MAX_JSON_DEPTH)
    fail(`the ${what} metadata nests ${depth} levels deep (at most ${MAX_JSON_DEPTH})`);
  try {
    return JSON.parse(text, (k, v) => {
      if (k === '__proto__' || k === 'constructor' || k === 'prototype')
        throw new Error(`forbidden key '${k}'`);
      return v;
    });
  } catch (e) {
    return fail(`the ${what} metadata is not valid JSON: ${(e as Error).message}`);
  }
}
