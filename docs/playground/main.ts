// The playground page: trains an MLP on a 2-D dataset in the browser and draws the
// decision boundary, the loss curve and the tape of one step. Built by
// scripts/build-playground.mjs; docs/test/playground.test.ts drives it in headless Chromium.
import * as ad from '@ad/core';
import * as nn from '@ad/nn';
import { scaleLinear, scaleLog } from 'd3-scale';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const STEPS_PER_FRAME = 10;
const TAPE_EVERY = 100;
const FILL = ['#bfdbfe', '#fecaca'];
const DOT = ['#1d4ed8', '#b91c1c'];

interface Run {
  model: nn.MLP;
  optimizer: nn.Adam;
  inputs: ad.Tensor;
  labels: ad.Tensor;
  /** The square [lo, hi]² that is drawn: the data's range with a margin. */
  extent: [number, number];
  losses: number[];
}

let run = create();
let training = false;

/** A fresh dataset and network from the controls' settings (seeded, so Reset repeats a run). */
function create(): Run {
  const generator = new ad.Generator(1);
  const kind = $<HTMLSelectElement>('dataset').value;
  const data =
    kind === 'moons'
      ? nn.moons({ n: 100, noise: 0.1, generator })
      : nn.twoSpirals({ n: 100, noise: 0.03, generator });
  const hidden = Number($<HTMLSelectElement>('hidden').value);
  const activation = $<HTMLSelectElement>('activation').value as nn.ActivationName;
  const model = new nn.MLP([2, hidden, hidden, 2], { activation, generator });
  const optimizer = new nn.Adam(model.parameters(), {
    lr: Number($<HTMLInputElement>('lr').value),
  });
  const [inputs, labels] = data.tensors;
  const [min, max] = [inputs.min().item(), inputs.max().item()];
  const margin = 0.1 * (max - min);
  return { model, optimizer, inputs, labels, extent: [min - margin, max + margin], losses: [] };
}

/** One full-batch step: forward, loss, backward, update. Returns the loss before the update. */
function step(r: Run, drawTape = false): number {
  r.optimizer.zeroGrad();
  const loss = nn.crossEntropy(r.model.forward(r.inputs), r.labels);
  if (drawTape) showTape(r, loss);
  loss.backward();
  r.optimizer.step();
  r.losses.push(loss.item());
  return loss.item();
}

function showTape(r: Run, loss: ad.Tensor): void {
  const names: Record<string, ad.Tensor> = { loss };
  for (const [name, p] of r.model.namedParameters()) names[name] = p;
  $('tape').innerHTML = ad.toSvg(loss, {
    names,
    direction: 'down',
    title: `step ${r.losses.length + 1}`,
  });
}

function drawBoundary(r: Run): void {
  const canvas = $<HTMLCanvasElement>('boundary');
  const ctx = canvas.getContext('2d')!;
  const [lo, hi] = r.extent;
  const res = 60;
  const cell = canvas.width / res;
  const grid: number[][] = [];
  for (let j = 0; j < res; j++)
    for (let i = 0; i < res; i++)
      grid.push([lo + ((i + 0.5) / res) * (hi - lo), hi - ((j + 0.5) / res) * (hi - lo)]);
  const classes = ad.noGrad(() => r.model.forward(ad.tensor(grid)).argmax(1).toFlatArray());
  classes.forEach((c, k) => {
    ctx.fillStyle = FILL[c];
    ctx.fillRect((k % res) * cell, Math.floor(k / res) * cell, cell + 0.5, cell + 0.5);
  });
  const points = r.inputs.toFlatArray();
  const labels = r.labels.toFlatArray();
  const scale = canvas.width / (hi - lo);
  labels.forEach((label, k) => {
    ctx.fillStyle = DOT[label];
    ctx.beginPath();
    ctx.arc((points[2 * k] - lo) * scale, (hi - points[2 * k + 1]) * scale, 3, 0, 2 * Math.PI);
    ctx.fill();
  });
}

/** The loss against steps on a log axis, with round ticks from d3-scale and axis labels. */
function drawLoss(r: Run): void {
  const canvas = $<HTMLCanvasElement>('loss');
  const ctx = canvas.getContext('2d')!;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  if (r.losses.length < 2) return;
  const m = { l: 52, r: 12, t: 10, b: 40 };
  const positive = r.losses.filter((v) => v > 0);
  const x = scaleLinear()
    .domain([1, r.losses.length])
    .range([m.l, canvas.width - m.r]);
  const y = scaleLog()
    .domain([Math.min(...positive) / 1.05, Math.max(...positive) * 1.05])
    .range([canvas.height - m.b, m.t]);
  const yFormat = y.tickFormat(5, '~g');
  ctx.font = '11px sans-serif';
  ctx.fillStyle = '#475569';
  ctx.strokeStyle = '#e2e8f0';
  ctx.textAlign = 'right';
  for (const v of y.ticks(5).filter((t) => yFormat(t) !== '')) {
    ctx.beginPath();
    ctx.moveTo(m.l, y(v));
    ctx.lineTo(canvas.width - m.r, y(v));
    ctx.stroke();
    ctx.fillText(yFormat(v), m.l - 4, y(v) + 4);
  }
  ctx.textAlign = 'center';
  for (const v of x.ticks(6).filter(Number.isInteger))
    ctx.fillText(String(v), x(v), canvas.height - m.b + 14);
  ctx.fillText('step', (m.l + canvas.width - m.r) / 2, canvas.height - 6);
  ctx.save();
  ctx.translate(12, (m.t + canvas.height - m.b) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText('loss (log scale)', 0, 0);
  ctx.restore();
  ctx.strokeStyle = '#94a3b8';
  ctx.strokeRect(m.l, m.t, canvas.width - m.l - m.r, canvas.height - m.t - m.b);
  ctx.strokeStyle = '#2563eb';
  ctx.beginPath();
  r.losses.forEach((v, i) => (i === 0 ? ctx.moveTo(x(i + 1), y(v)) : ctx.lineTo(x(i + 1), y(v))));
  ctx.stroke();
}

function render(): void {
  drawBoundary(run);
  drawLoss(run);
  const last = run.losses[run.losses.length - 1];
  $('status').textContent = run.losses.length
    ? `step ${run.losses.length}, loss ${last.toFixed(4)}`
    : 'not started';
}

function frame(): void {
  if (!training) return;
  for (let k = 0; k < STEPS_PER_FRAME; k++) step(run, (run.losses.length + 1) % TAPE_EVERY === 0);
  render();
  setTimeout(frame, 0); // keeps going in background tabs and headless browsers, unlike requestAnimationFrame
}

function setTraining(on: boolean): void {
  training = on;
  $('train').textContent = on ? 'Pause' : 'Train';
  if (on) frame();
}

$('train').addEventListener('click', () => setTraining(!training));
$('step').addEventListener('click', () => {
  step(run, true);
  render();
});
$('reset').addEventListener('click', () => {
  setTraining(false);
  run = create();
  $('tape').innerHTML = '';
  render();
});
for (const id of ['dataset', 'hidden', 'activation', 'lr'])
  $(id).addEventListener('change', () => $('reset').click());

step(run, true); // show the tape of the first step right away
render();

// for tests and the curious: the losses so far
(window as unknown as { playground: object }).playground = { losses: () => [...run.losses] };
