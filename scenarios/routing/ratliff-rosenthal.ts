// Ratliff-Rosenthal dynamic programming over one ladder block (single-block warehouse with front
// and back cross aisles), exact for any number of stops.
//
// A walk from s to t is the Euler path of a connected multigraph whose odd-degree nodes are s and
// t (none when s = t). An optimal one never uses an edge more than twice, so the DP chooses a
// multiplicity 0, 1 or 2 for every edge, aisle by aisle from left to right, and keeps, for the
// partial subgraph, only what decides the rest (Ratliff & Rosenthal 1983):
//   - the degree class of the current front and back cross nodes: zero, odd, or even and positive;
//   - whether those two nodes are already in the same component;
//   - whether a component has been closed off (then nothing else may follow).
// Generalised from the classic depot-at-the-front form: the caller names the nodes that must be
// visited (`required`, anywhere in the block) and those that must end with odd degree (`odd`:
// s and t, or the ends of bridges crossed once), so start, end and entry points may be any nodes.
import type { LadderAisle, LadderBlock } from './blocks.ts';

/** An edge of the block used `times` times by the walk. */
export interface UsedEdge {
  readonly a: number;
  readonly b: number;
  readonly length: number;
  readonly times: 1 | 2;
}

export interface BlockTour {
  /** Total length of the used edges, metres. */
  readonly cost: number;
  readonly edges: readonly UsedEdge[];
}

// Degree classes of a cross node.
const ZERO = 0;
const ODD = 1;
const EVEN = 2;

/** Degree class after adding `times` (0, 1, 2) edge ends. */
function addDegree(cls: number, times: number): number {
  if (times === 0) return cls;
  if (cls === ZERO) return times;
  return (cls === ODD) !== (times === 1) ? ODD : EVEN;
}

// ---------------------------------------------------------------------------------------------
// Inside one aisle

/** The cheapest way to cover one aisle for a given effect on the rest of the block. */
interface AisleOption {
  /** Edge ends added at the front and back cross nodes (0, 1 or 2). */
  readonly front: number;
  readonly back: number;
  /** The aisle edges connect front and back (the aisle is walked end to end). */
  readonly joins: boolean;
  /** The aisle holds a component touching neither end: allowed only as the entire walk. */
  readonly isolated: boolean;
  readonly cost: number;
  /** Multiplicity of every chain edge of the aisle (nodes[i] - nodes[i + 1]). */
  readonly times: readonly number[];
}

interface AisleState {
  cost: number;
  /** Multiplicity per compressed segment so far. */
  times: number[];
  /** The current run of used segments starts at the front cross node. */
  fromFront: boolean;
  isolated: boolean;
}

/**
 * Between consecutive nodes that matter (the aisle's ends and its required or odd nodes) the
 * multiplicity is constant in an optimal walk, so the aisle reduces to a few segments; a small DP
 * over them keeps the cheapest choice per effect.
 */
function aisleOptions(aisle: LadderAisle, required: ReadonlySet<number>, odd: ReadonlySet<number>): AisleOption[] {
  const { nodes, offsets } = aisle;
  const last = nodes.length - 1;
  const keys = [0];
  for (let i = 1; i < last; i++) if (required.has(nodes[i]) || odd.has(nodes[i])) keys.push(i);
  keys.push(last);
  const segment = (s: number): number => offsets[keys[s + 1]] - offsets[keys[s]];

  // States by (first segment's multiplicity, current one, fromFront, isolated): 36 at most.
  const key = (first: number, current: number, s: AisleState): number =>
    ((first * 3 + current) * 2 + (s.fromFront ? 1 : 0)) * 2 + (s.isolated ? 1 : 0);
  const offer = (into: Map<number, AisleState>, first: number, current: number, s: AisleState): void => {
    const k = key(first, current, s);
    const known = into.get(k);
    if (!known || s.cost < known.cost) into.set(k, s);
  };
  let states = new Map<number, AisleState>();
  for (let m = 0; m <= 2; m++) {
    offer(states, m, m, { cost: m * segment(0), times: [m], fromFront: m > 0, isolated: false });
  }
  for (let s = 1; s < keys.length - 1; s++) {
    const mustBeOdd = odd.has(nodes[keys[s]]);
    const next = new Map<number, AisleState>();
    for (const [k, st] of states) {
      const first = Math.floor(k / 12);
      const prev = Math.floor(k / 4) % 3;
      for (let m = 0; m <= 2; m++) {
        // Every key node is visited, with the parity it needs.
        const degree = prev + m;
        if (degree === 0 || (degree % 2 === 1) !== mustBeOdd) continue;
        let isolated = st.isolated;
        if (prev > 0 && m === 0 && !st.fromFront) {
          if (isolated) continue; // two detached pieces can never form one walk
          isolated = true;
        }
        const fromFront = m > 0 && prev > 0 && st.fromFront;
        offer(next, first, m, { cost: st.cost + m * segment(s), times: [...st.times, m], fromFront, isolated });
      }
    }
    states = next;
  }

  const options: AisleOption[] = [];
  for (const [k, st] of states) {
    const front = Math.floor(k / 12);
    const back = Math.floor(k / 4) % 3;
    options.push({
      front,
      back,
      joins: back > 0 && st.fromFront,
      isolated: st.isolated,
      cost: st.cost,
      times: expandTimes(st.times, keys),
    });
  }
  return options;
}

/** Compressed segment multiplicities -> one multiplicity per chain edge. */
function expandTimes(segmentTimes: readonly number[], keys: readonly number[]): number[] {
  const out: number[] = [];
  segmentTimes.forEach((m, s) => {
    for (let i = keys[s]; i < keys[s + 1]; i++) out.push(m);
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Across the block

/** State of the partial subgraph at one aisle's cross nodes; 36 combinations. */
interface BlockState {
  front: number;
  back: number;
  /** Front and back cross nodes are in one component (only when both are touched). */
  same: boolean;
  /** A finished component exists; nothing more may be added. */
  closed: boolean;
}

const encode = (s: BlockState): number => ((s.front * 3 + s.back) * 2 + (s.same ? 1 : 0)) * 2 + (s.closed ? 1 : 0);
const decode = (code: number): BlockState => ({
  closed: (code & 1) === 1,
  same: ((code >> 1) & 1) === 1,
  back: Math.floor(code / 4) % 3,
  front: Math.floor(code / 12),
});
const STATES = 36;

/** Applies one aisle option; null when the combination cannot be part of a valid walk. */
function throughAisle(s: BlockState, o: AisleOption): BlockState | null {
  if (s.closed) return o.front === 0 && o.back === 0 && !o.isolated ? s : null;
  if (o.isolated) {
    if (s.front !== ZERO || s.back !== ZERO || o.front !== 0 || o.back !== 0) return null;
    return { front: ZERO, back: ZERO, same: false, closed: true };
  }
  const front = addDegree(s.front, o.front);
  const back = addDegree(s.back, o.back);
  const both = front !== ZERO && back !== ZERO;
  const same = both && (o.joins || (s.front !== ZERO && s.back !== ZERO && s.same));
  return { front, back, same, closed: false };
}

interface NodeRule {
  required: boolean;
  odd: boolean;
}

/**
 * Adds `frontTimes` / `backTimes` copies of the cross edges to the next aisle (0 and 0 after the
 * last aisle), which finishes this aisle's cross nodes: their degree must now be final.
 */
function acrossToNext(s: BlockState, frontTimes: number, backTimes: number, frontRule: NodeRule, backRule: NodeRule): BlockState | null {
  const finalFront = addDegree(s.front, frontTimes);
  const finalBack = addDegree(s.back, backTimes);
  if (frontRule.required && finalFront === ZERO) return null;
  if (backRule.required && finalBack === ZERO) return null;
  if ((finalFront === ODD) !== frontRule.odd || (finalBack === ODD) !== backRule.odd) return null;
  if (s.closed) return frontTimes === 0 && backTimes === 0 ? s : null;

  // Components touching this aisle's cross nodes, and whether each reaches the next aisle.
  let closing = 0;
  let continuing = 0;
  if (s.front !== ZERO && s.back !== ZERO && s.same) {
    if (frontTimes > 0 || backTimes > 0) continuing++;
    else closing++;
  } else {
    if (s.front !== ZERO) frontTimes > 0 ? continuing++ : closing++;
    if (s.back !== ZERO) backTimes > 0 ? continuing++ : closing++;
  }
  // A cross edge leaving an untouched node starts a component of its own.
  if (s.front === ZERO && frontTimes > 0) continuing++;
  if (s.back === ZERO && backTimes > 0) continuing++;
  if (closing > 1 || (closing === 1 && continuing > 0)) return null;

  const front = frontTimes;
  const back = backTimes;
  const same = front > 0 && back > 0 && s.front !== ZERO && s.back !== ZERO && s.same;
  return { front, back, same, closed: closing === 1 };
}

/**
 * The cheapest multigraph on the block's edges that is connected, touches every `required` node
 * and has odd degree exactly at the `odd` nodes. All nodes must belong to the block; `odd` must
 * have an even size. An empty result (cost 0) when at most one node is required and none is odd.
 */
export function solveLadderBlock(block: LadderBlock, required: ReadonlySet<number>, odd: ReadonlySet<number>): BlockTour {
  if (odd.size % 2 !== 0) throw new RangeError('a walk has an even number of odd-degree nodes');
  const touched = new Set([...required, ...odd]);
  if (touched.size === 0 || (touched.size === 1 && odd.size === 0)) return { cost: 0, edges: [] };

  const m = block.aisles.length;
  const rule = (node: number): NodeRule => ({ required: touched.has(node), odd: odd.has(node) });
  const options = block.aisles.map((aisle) => aisleOptions(aisle, touched, odd));

  // cost[layer][state], layer 2j = before aisle j's edges, 2j + 1 = after them.
  const cost: Float64Array[] = [];
  const back: { prev: Int8Array; choice: Int8Array }[] = [];
  const layer = (): Float64Array => new Float64Array(STATES).fill(Infinity);
  cost.push(layer());
  back.push({ prev: new Int8Array(STATES).fill(-1), choice: new Int8Array(STATES).fill(-1) });
  cost[0][encode({ front: ZERO, back: ZERO, same: false, closed: false })] = 0;

  const relax = (to: number, state: BlockState | null, c: number, prev: number, choice: number): void => {
    if (!state) return;
    const code = encode(state);
    if (c < cost[to][code]) {
      cost[to][code] = c;
      back[to].prev[code] = prev;
      back[to].choice[code] = choice;
    }
  };

  for (let j = 0; j < m; j++) {
    const before = 2 * j;
    const after = before + 1;
    cost.push(layer());
    back.push({ prev: new Int8Array(STATES).fill(-1), choice: new Int8Array(STATES).fill(-1) });
    for (let code = 0; code < STATES; code++) {
      const c = cost[before][code];
      if (c === Infinity) continue;
      const s = decode(code);
      options[j].forEach((o, k) => relax(after, throughAisle(s, o), c + o.cost, code, k));
    }

    cost.push(layer());
    back.push({ prev: new Int8Array(STATES).fill(-1), choice: new Int8Array(STATES).fill(-1) });
    const aisle = block.aisles[j];
    const frontRule = rule(aisle.nodes[0]);
    const backRule = rule(aisle.nodes[aisle.nodes.length - 1]);
    const lastAisle = j === m - 1;
    for (let code = 0; code < STATES; code++) {
      const c = cost[after][code];
      if (c === Infinity) continue;
      const s = decode(code);
      for (let f = 0; f <= (lastAisle ? 0 : 2); f++) {
        for (let b = 0; b <= (lastAisle ? 0 : 2); b++) {
          const extra = lastAisle ? 0 : f * block.frontLinks[j] + b * block.backLinks[j];
          relax(after + 1, acrossToNext(s, f, b, frontRule, backRule), c + extra, code, f * 3 + b);
        }
      }
    }
  }

  const finalLayer = 2 * m;
  const done = encode({ front: ZERO, back: ZERO, same: false, closed: true });
  if (cost[finalLayer][done] === Infinity) throw new Error('internal: no walk satisfies the block requirements');
  return { cost: cost[finalLayer][done], edges: usedEdges(block, options, back, done) };
}

/** Follows the back-pointers from the final state and lists the chosen edges. */
function usedEdges(
  block: LadderBlock,
  options: readonly AisleOption[][],
  back: readonly { prev: Int8Array; choice: Int8Array }[],
  finalCode: number,
): UsedEdge[] {
  const edges: UsedEdge[] = [];
  const use = (a: number, b: number, length: number, times: number): void => {
    if (times === 1 || times === 2) edges.push({ a, b, length, times });
  };
  let code = finalCode;
  for (let j = block.aisles.length - 1; j >= 0; j--) {
    const crossLayer = 2 * j + 2;
    const cross = back[crossLayer].choice[code];
    code = back[crossLayer].prev[code];
    const aisle = block.aisles[j];
    if (j < block.aisles.length - 1) {
      const next = block.aisles[j + 1];
      use(aisle.nodes[0], next.nodes[0], block.frontLinks[j], Math.floor(cross / 3));
      use(aisle.nodes[aisle.nodes.length - 1], next.nodes[next.nodes.length - 1], block.backLinks[j], cross % 3);
    }
    const aisleLayer = 2 * j + 1;
    const option = options[j][back[aisleLayer].choice[code]];
    code = back[aisleLayer].prev[code];
    option.times.forEach((t, i) => use(aisle.nodes[i], aisle.nodes[i + 1], aisle.offsets[i + 1] - aisle.offsets[i], t));
  }
  return edges;
}
