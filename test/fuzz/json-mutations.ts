// Mutations of a JSON value as data, so that fast-check can generate and shrink them: drop a field,
// retype it, replace it with a hostile string, copy it somewhere else, or bury it in an object or array.
// A mutation names its target by an index into the value's paths, taken modulo their count.
import fc from 'fast-check';
import type { Json } from './fixture-inputs';
import { hostileString } from './hostile-strings';

export type Mutation =
  | { readonly kind: 'drop'; readonly at: number }
  | { readonly kind: 'retype'; readonly at: number; readonly value: Json }
  | { readonly kind: 'hostile'; readonly at: number; readonly text: string }
  | { readonly kind: 'copy'; readonly at: number; readonly to: number }
  | { readonly kind: 'nest'; readonly at: number; readonly inArray: boolean };

type Path = readonly (string | number)[];
type Container = Json[] | { [key: string]: Json };

const isContainer = (v: Json): v is Container => v !== null && typeof v === 'object';

/** Every path in `value`, the root first, parents before children. */
const pathsOf = (value: Json, stringsOnly = false): Path[] => {
  const out: Path[] = [];
  const walk = (v: Json, path: Path) => {
    if (!stringsOnly || typeof v === 'string') out.push(path);
    if (Array.isArray(v)) for (const [i, child] of v.entries()) walk(child, [...path, i]);
    else if (isContainer(v)) for (const [k, child] of Object.entries(v)) walk(child, [...path, k]);
  };
  walk(value, []);
  return out;
};

const get = (root: Json, path: Path): Json =>
  path.reduce<Json>(
    (v, k) => (isContainer(v) ? ((v as Record<string, Json>)[k as string] ?? null) : null),
    root,
  );

/** Sets (or, with `undefined`, removes) the value at `path`; a new root when the path is the root. */
const put = (root: Json, path: Path, value: Json | undefined): Json => {
  if (path.length === 0) return value === undefined ? null : value;
  const parent = get(root, path.slice(0, -1));
  const key = path[path.length - 1] as string | number;
  if (Array.isArray(parent)) {
    if (value === undefined) parent.splice(key as number, 1);
    else parent[key as number] = value;
  } else if (isContainer(parent)) {
    if (value === undefined) delete parent[key as string];
    else Object.defineProperty(parent, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return root;
};

const pick = <T>(items: readonly T[], at: number): T | undefined => items[at % Math.max(1, items.length)];

/** Applies one mutation in place (the caller clones) and returns the root, which may be new. */
export const applyMutation = (root: Json, m: Mutation): Json => {
  switch (m.kind) {
    case 'drop': {
      const path = pick(pathsOf(root).slice(1), m.at);
      return path ? put(root, path, undefined) : root;
    }
    case 'retype': {
      const path = pick(pathsOf(root), m.at);
      return path ? put(root, path, structuredClone(m.value)) : root;
    }
    case 'hostile': {
      // Strings first: that is where a record's attacker-controlled text lives.
      const path = pick(pathsOf(root, true), m.at) ?? pick(pathsOf(root), m.at);
      return path ? put(root, path, m.text) : root;
    }
    case 'copy': {
      const paths = pathsOf(root);
      const from = pick(paths, m.at);
      const to = pick(paths.slice(1), m.to);
      if (!from || !to || from.length === 0) return root;
      return put(root, to, structuredClone(get(root, from)));
    }
    case 'nest': {
      const path = pick(pathsOf(root), m.at);
      if (!path) return root;
      const inner = get(root, path);
      return put(root, path, m.inArray ? [inner] : { nested: inner });
    }
  }
};

export const applyMutations = (value: Json, mutations: readonly Mutation[]): Json =>
  mutations.reduce(applyMutation, structuredClone(value));

const at = fc.nat({ max: 10_000 });

/** Small JSON values of every type, to retype a field with. */
export const smallJson: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, false, 0, -1, 1e21, -0.5, '', [], {}, [[]], { '': null }),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
);

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('drop' as const), at }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('retype' as const), at, value: smallJson }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('hostile' as const), at, text: hostileString }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('copy' as const), at, to: at }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('nest' as const), at, inArray: fc.boolean() }) },
);

export const mutations = (maxLength: number): fc.Arbitrary<Mutation[]> => fc.array(mutation, { maxLength });
