// Handwriting-like digits made in code: the ten digits of a 5×7 bitmap font, drawn twice as
// large onto a 16×16 canvas at a random place, with strokes that fade and break and
// Gaussian noise on top. Seeded, so every run makes the same images.
import * as ad from '@ad/core';
import * as nn from '@ad/nn';

const FONT = [
  ['.###.', '#...#', '#..##', '#.#.#', '##..#', '#...#', '.###.'],
  ['..#..', '.##..', '..#..', '..#..', '..#..', '..#..', '.###.'],
  ['.###.', '#...#', '....#', '...#.', '..#..', '.#...', '#####'],
  ['#####', '...#.', '..#..', '...#.', '....#', '#...#', '.###.'],
  ['...#.', '..##.', '.#.#.', '#..#.', '#####', '...#.', '...#.'],
  ['#####', '#....', '####.', '....#', '....#', '#...#', '.###.'],
  ['..##.', '.#...', '#....', '####.', '#...#', '#...#', '.###.'],
  ['#####', '....#', '...#.', '..#..', '.#...', '.#...', '.#...'],
  ['.###.', '#...#', '#...#', '.###.', '#...#', '#...#', '.###.'],
  ['.###.', '#...#', '#...#', '.####', '....#', '...#.', '.##..'],
];

/** The side of every image. */
export const SIZE = 16;

/** One image of `digit`, SIZE × SIZE values in [0, 1]-ish (noise may leave the range). */
function draw(digit: number, g: ad.Generator): Float32Array {
  const img = new Float32Array(SIZE * SIZE);
  const [dx, dy] = [Math.floor(g.random() * 7), Math.floor(g.random() * 3)];
  const ink = 0.6 + 0.4 * g.random();
  FONT[digit].forEach((row, r) =>
    [...row].forEach((c, k) => {
      if (c !== '#') return;
      for (let i = 0; i < 2; i++)
        for (let j = 0; j < 2; j++) {
          // a stroke breaks in places
          if (g.random() < 0.12) continue;
          img[(dy + 2 * r + i) * SIZE + dx + 2 * k + j] = ink;
        }
    }),
  );
  for (let i = 0; i < img.length; i++) img[i] += 0.25 * g.normal();
  return img;
}

/** `n` images [n, 1, SIZE, SIZE] with their digits [n] (int32), classes in turn. */
export function digits(n: number, seed: number): nn.TensorDataset {
  const g = new ad.Generator(seed);
  const images = new Float32Array(n * SIZE * SIZE);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = Math.floor(g.random() * 10);
    images.set(draw(labels[i], g), i * SIZE * SIZE);
  }
  return new nn.TensorDataset(
    new ad.Tensor(images, [n, 1, SIZE, SIZE]),
    new ad.Tensor(labels, [n]),
  );
}
