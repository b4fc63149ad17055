import { Generator, type Tensor, ValueError } from '@ad/core';
import type { Module } from './module';
import type { Optimizer, OptimizerState, ParamState } from './optim/optimizer';
import { decodeSafetensors, encodeSafetensors } from './safetensors';

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
    metadata.optimizer = JSON.stringify({ type: parts.optimizer.constructor.name, paramGroups: sd.paramGroups, scalars });
  }
  if (parts.generator) metadata.generator = JSON.stringify(parts.generator.getState());
  if (parts.extra !== undefined) metadata.extra = JSON.stringify(parts.extra);
  return encodeSafetensors(tensors, metadata);
}

/**
 * Restores a checkpoint into `parts`. Everything is decoded and checked first (format,
 * every tensor against the model, the optimizer state, the generator state); only then is
 * anything changed, so a bad file leaves model, optimizer and generator as they were.
 * Returns the checkpoint's `extra`.
 */
export function restoreCheckpoint(bytes: Uint8Array, parts: Omit<CheckpointParts, 'extra'>): unknown {
  const { tensors, metadata } = decodeSafetensors(bytes);
  const fail = (why: string): never => {
    throw new ValueError('loadCheckpoint', why);
  };
  if (metadata.format !== FORMAT) fail(`not an @ad checkpoint (format ${JSON.stringify(metadata.format)})`);
  const model: Record<string, Tensor> = Object.create(null);
  const buffers: Record<string, ParamState> = Object.create(null);
  for (const [name, t] of tensors) {
    let m: RegExpExecArray | null;
    if ((m = /^model\.(.+)$/.exec(name))) model[m[1]] = t;
    else if ((m = /^optimizer\.(\d+)\.(\w+)$/.exec(name))) (buffers[m[1]] ??= Object.create(null))[m[2]] = t;
    else fail(`unexpected tensor '${name}'`);
  }
  parts.model.checkStateDict(model);
  let optimizerState: OptimizerState<{ lr: number }> | undefined;
  if (parts.optimizer) {
    if (metadata.optimizer === undefined) fail('the checkpoint has no optimizer state');
    const o = parseJson(metadata.optimizer, 'optimizer', fail) as { type: string; paramGroups: OptimizerState<{ lr: number }>['paramGroups']; scalars: Record<string, Record<string, number>> };
    if (o.type !== parts.optimizer.constructor.name) fail(`the checkpoint's optimizer is ${o.type}, not ${parts.optimizer.constructor.name}`);
    const state: Record<number, ParamState> = {};
    for (const i of new Set([...Object.keys(buffers), ...Object.keys(o.scalars ?? {})])) {
      state[Number(i)] = { ...(o.scalars?.[i] ?? {}), ...(buffers[i] ?? {}) };
    }
    optimizerState = { state, paramGroups: o.paramGroups };
    parts.optimizer.checkStateDict(optimizerState);
  }
  let rng: (number | null)[] | undefined;
  if (parts.generator) {
    if (metadata.generator === undefined) fail('the checkpoint has no generator state');
    rng = parseJson(metadata.generator, 'generator', fail) as (number | null)[];
    new Generator().setState(rng); // validates without touching the real one
  }
  parts.model.loadStateDict(model);
  if (optimizerState) parts.optimizer!.loadStateDict(optimizerState);
  if (rng) parts.generator!.setState(rng);
  return metadata.extra === undefined ? undefined : parseJson(metadata.extra, 'extra', fail);
}

function parseJson(text: string, what: string, fail: (why: string) => never): unknown {
  try {
    return JSON.parse(text, (k, v) => {
      if (k === '__proto__' || k === 'constructor' || k === 'prototype') throw new Error(`forbidden key '${k}'`);
      return v;
    });
  } catch (e) {
    return fail(`the ${what} metadata is not valid JSON: ${(e as Error).message}`);
  }
}
