/** Pure arithmetic of fan-out benches: who goes where, and same-round ratios. */
import { median, ratio } from './report';

/** `items` cut into `parts` contiguous slices whose sizes differ by at most one (earlier slices are never larger). */
export function slices<T>(items: readonly T[], parts: number): T[][] {
  if (!Number.isInteger(parts) || parts < 1) throw new Error(`parts must be a whole number ≥ 1, got ${parts}`);
  return Array.from({ length: parts }, (_, i) => items.slice(Math.floor((i * items.length) / parts), Math.floor(((i + 1) * items.length) / parts)));
}

/** Item i goes to node i mod nodes: every node gets ⌊n/nodes⌋ or ⌈n/nodes⌉ items, whichever slice of them a process holds. */
export function nodeOf(index: number, nodes: number): number {
  if (!Number.isInteger(nodes) || nodes < 1) throw new Error(`nodes must be a whole number ≥ 1, got ${nodes}`);
  return index % nodes;
}

/** How many of `n` items each of `nodes` nodes gets under nodeOf. */
export function perNode(n: number, nodes: number): number[] {
  return Array.from({ length: nodes }, (_, k) => Math.floor(n / nodes) + (k < n % nodes ? 1 : 0));
}

/**
 * Round r's ours / baseline for every round, and their median: the headline of a bench whose two halves run back to
 * back in each round. NaN (fails closed) when the rounds differ in number, there are none, or any round's ratio is
 * missing (a zero, missing or non-finite side), so a broken round can never pull the median to a good-looking value.
 */
export function pairedRatios(ours: readonly number[], baseline: readonly number[]): { perRound: number[]; median: number } {
  const perRound = ours.map((o, i) => ratio(o, baseline[i] ?? Number.NaN));
  const broken = ours.length === 0 || ours.length !== baseline.length || perRound.some((r) => !Number.isFinite(r));
  return { perRound, median: broken ? Number.NaN : median(perRound) };
}
