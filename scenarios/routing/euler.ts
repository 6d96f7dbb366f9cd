// Hierholzer's algorithm: turns a connected multigraph whose odd-degree nodes are exactly start
// and end (none when they coincide) into a walk that uses every edge copy once.

export interface MultiEdge {
  readonly a: number;
  readonly b: number;
  readonly times: number;
}

/** Node sequence of an Euler walk from start to end; throws if the edges do not admit one. */
export function eulerWalk(edges: readonly MultiEdge[], start: number, end: number): number[] {
  const incident = new Map<number, number[]>();
  const endA: number[] = [];
  const endB: number[] = [];
  for (const e of edges) {
    for (let t = 0; t < e.times; t++) {
      const id = endA.push(e.a) - 1;
      endB.push(e.b);
      for (const n of [e.a, e.b]) {
        const list = incident.get(n);
        if (list) list.push(id);
        else incident.set(n, [id]);
      }
    }
  }
  const edgeCount = endA.length;
  const used = new Uint8Array(edgeCount);
  const cursor = new Map<number, number>();
  const far = (id: number, from: number): number => (endA[id] === from ? endB[id] : endA[id]);

  const stack = [start];
  const walk: number[] = [];
  while (stack.length > 0) {
    const v = stack[stack.length - 1];
    const list = incident.get(v) ?? [];
    let i = cursor.get(v) ?? 0;
    while (i < list.length && used[list[i]]) i++;
    cursor.set(v, i);
    if (i < list.length) {
      used[list[i]] = 1;
      stack.push(far(list[i], v));
    } else {
      walk.push(stack.pop()!);
    }
  }
  walk.reverse();
  if (walk.length !== edgeCount + 1 || walk[walk.length - 1] !== end) {
    throw new Error('internal: the chosen edges do not form one walk from start to end');
  }
  return walk;
}
