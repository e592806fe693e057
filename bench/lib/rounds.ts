/**
 * Alternating A/B rounds: both sides run in every round, the order flipping each time (A B, B A, A B …), so
 * a machine that slows down or speeds up during the run (other work on a shared box, thermal limits) shifts
 * both sides alike. The ratio is taken per round and its median reported.
 */
import { type Spread, spread } from './stats.ts';

/**
 * One side of a comparison: `run` measures once and resolves with a figure (lower is better unless the
 * caller says otherwise), e.g. µs per message.
 *
 * @example
 * const side: Side = { name: 'engine.handle', run: async () => measureEngine(2000) };
 */
export interface Side {
  name: string;
  run(): Promise<number>;
}

/**
 * What {@link alternate} found: each side's spread over the rounds and the spread of the per-round ratio a/b.
 *
 * @example
 * const r: Compared = await alternate(a, b, 5);
 * r.ratio.median; // a / b, median over rounds
 */
export interface Compared {
  a: Spread & { name: string; rounds: number[] };
  b: Spread & { name: string; rounds: number[] };
  /** a ÷ b per round. */
  ratio: Spread;
}

/**
 * Runs `a` and `b` alternately for `rounds` rounds (after one unmeasured warm-up run each).
 *
 * @example
 * const r = await alternate(engineSide, peerSide, 5);
 * console.log(r.a.median, r.b.median, r.ratio.median);
 */
export async function alternate(a: Side, b: Side, rounds: number, warmUp = true): Promise<Compared> {
  if (warmUp) {
    await a.run();
    await b.run();
  }
  const as: number[] = [];
  const bs: number[] = [];
  for (let i = 0; i < rounds; i += 1) {
    if (i % 2 === 0) {
      as.push(await a.run());
      bs.push(await b.run());
    } else {
      bs.push(await b.run());
      as.push(await a.run());
    }
  }
  return {
    a: { name: a.name, rounds: as, ...spread(as) },
    b: { name: b.name, rounds: bs, ...spread(bs) },
    ratio: spread(as.map((v, i) => v / (bs[i] ?? Number.NaN))),
  };
}

/**
 * Runs several sides in rotation for `rounds` rounds (the starting side moves by one each round), after one
 * unmeasured warm-up run each unless `warmUp` is false (the caller warmed them up its own way).
 *
 * @example
 * const byName = await rotate([ours, echo, conversations], 5);
 * byName.get('ours')?.median;
 */
export async function rotate(
  sides: readonly Side[],
  rounds: number,
  warmUp = true,
): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>(sides.map((s) => [s.name, []]));
  if (warmUp) for (const s of sides) await s.run();
  for (let i = 0; i < rounds; i += 1)
    for (let j = 0; j < sides.length; j += 1) {
      const side = sides[(i + j) % sides.length];
      if (side) out.get(side.name)?.push(await side.run());
    }
  return out;
}
