// The pictures in docs/images are made by docs/examples/images.ts; this regenerates them and
// fails when a committed one is stale (fix: `npm run docs:images` and commit the result).
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { images } from '../examples/images';

describe('docs/images', () => {
  const dir = resolve(__dirname, '../images');
  const fresh = images();

  it('holds exactly the generated pictures', () => {
    expect(readdirSync(dir).sort()).toEqual(Object.keys(fresh).sort());
  });

  it.each(Object.keys(fresh))('%s is up to date', (name) => {
    expect(readFileSync(join(dir, name), 'utf8')).toBe(`${fresh[name]}\n`);
  });

  it('the tape pictures show values and gradients, with one arrow per use', () => {
    const fanOut = fresh['tape-fan-out.svg'];
    expect(fanOut).toContain('>value 2<');
    expect(fanOut).toContain('>grad 7<'); // 2 + 2 + 3, summed over x's three uses
    expect(fanOut.match(/marker-end=/g)).toHaveLength(5); // x→mul twice, x→mul(3), both muls→add
  });
});
