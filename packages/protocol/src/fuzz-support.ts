/*
 * Seeded randomness and input mutators for the fuzz tests. Every case is a
 * pure function of (seed, case index), so a failure that prints both is its
 * own reproduction: `caseRng(seed, i)` replays exactly that case. Test-only
 * (left out of the package build) and free of dependencies, so the server's
 * tests can share it by relative import.
 */

/** mulberry32: tiny, fast and good enough to pick mutations; not for anything secret. */
export class Rng {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform 32-bit unsigned integer. */
  u32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return (z ^ (z >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 2 ** 32;
  }

  /** Uniform integer in [0, n); n >= 1. */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform integer in [lo, hi], both included. */
  between(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[this.int(items.length)] as T;
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.u32() & 0xff;
    return out;
  }
}

/** The generator of case `index` of a run seeded with `seed`, independent of every other case. */
export function caseRng(seed: number, index: number): Rng {
  let h = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index >>> 0, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  return new Rng((h ^ (h >>> 15)) >>> 0);
}

/** Runs `body` for cases 0..count-1, each with its own generator; a failure names seed and case. */
export async function forEachCase(seed: number, count: number, body: (rng: Rng, index: number) => void | Promise<void>): Promise<void> {
  for (let i = 0; i < count; i++) {
    try {
      await body(caseRng(seed, i), i);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`fuzz case failed (seed ${seed}, case ${i}; replay with caseRng(${seed}, ${i})): ${message}`, { cause: error });
    }
  }
}

// ---------------------------------------------------------------- bytes

/** Byte values parsers treat specially: zero, sign bits, all ones, ASCII structure. */
const INTERESTING_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff, 0x22, 0x5c, 0x7b, 0x7d, 0x0a] as const;

/** Values that land on length, size and count fields: zero, one, sign and width boundaries. */
const INTERESTING_U32 = [0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x3ff, 0x400, 0x401, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff] as const;

type ByteMutator = (input: Uint8Array, rng: Rng, donors: readonly Uint8Array[]) => Uint8Array;

const at = (rng: Rng, length: number) => rng.int(Math.max(1, length));

/** A copy whatever the view: Buffer#slice would share the memory and let a mutation reach the seed input. */
const copy = (bytes: Uint8Array) => new Uint8Array(bytes);

/** Named so a test can report which mutation broke what. */
export const BYTE_MUTATORS: Readonly<Record<string, ByteMutator>> = {
  flipBits(input, rng) {
    const out = copy(input);
    if (out.length === 0) return out;
    for (let n = rng.between(1, 8); n > 0; n--) {
      const i = at(rng, out.length);
      out[i] = (out[i] as number) ^ (1 << rng.int(8));
    }
    return out;
  },
  setBytes(input, rng) {
    const out = copy(input);
    if (out.length === 0) return out;
    for (let n = rng.between(1, 4); n > 0; n--) out[at(rng, out.length)] = rng.chance(0.5) ? rng.pick(INTERESTING_BYTES) : rng.int(256);
    return out;
  },
  /** A boundary integer written big-endian over whatever field happens to be there. */
  setInteger(input, rng) {
    const out = copy(input);
    const width = rng.pick([1, 2, 4]);
    if (out.length < width) return out;
    const offset = rng.int(out.length - width + 1);
    let value: number = rng.pick(INTERESTING_U32);
    if (rng.chance(0.3)) value = (value + rng.pick([-1, 1])) >>> 0;
    for (let k = width - 1; k >= 0; k--) {
      out[offset + k] = value & 0xff;
      value = Math.floor(value / 256);
    }
    return out;
  },
  truncate(input, rng) {
    return copy(input.subarray(0, rng.int(input.length + 1)));
  },
  extend(input, rng) {
    const tail = rng.chance(0.5) ? rng.bytes(rng.between(1, 64)) : new Uint8Array(rng.between(1, 4096)).fill(rng.pick(INTERESTING_BYTES));
    return concat(input, tail);
  },
  insert(input, rng) {
    const i = rng.int(input.length + 1);
    return concat(input.subarray(0, i), rng.bytes(rng.between(1, 32)), input.subarray(i));
  },
  remove(input, rng) {
    const i = rng.int(input.length + 1);
    return concat(input.subarray(0, i), input.subarray(Math.min(input.length, i + rng.between(1, 64))));
  },
  /** A stretch of the input repeated elsewhere in it: duplicated chunks, markers, segments. */
  duplicate(input, rng) {
    if (input.length === 0) return copy(input);
    const from = rng.int(input.length);
    const chunk = input.subarray(from, from + rng.between(1, 256));
    const to = rng.int(input.length + 1);
    return concat(input.subarray(0, to), chunk, input.subarray(to));
  },
  /** The head of the input on the tail of another sample (or of itself). */
  splice(input, rng, donors) {
    const donor = donors.length > 0 ? rng.pick(donors) : input;
    return concat(input.subarray(0, rng.int(input.length + 1)), donor.subarray(rng.int(donor.length + 1)));
  },
};

const MUTATOR_NAMES = Object.keys(BYTE_MUTATORS);

export interface Mutated {
  bytes: Uint8Array;
  /** The mutators applied, in order, for the failure message. */
  steps: string[];
}

/** 1 to `maxSteps` random mutations of `input` (never changed in place); `donors` feed `splice`. */
export function mutateBytes(input: Uint8Array, rng: Rng, donors: readonly Uint8Array[] = [], maxSteps = 4): Mutated {
  let bytes = input;
  const steps: string[] = [];
  for (let n = rng.between(1, maxSteps); n > 0; n--) {
    const name = rng.pick(MUTATOR_NAMES);
    bytes = (BYTE_MUTATORS[name] as ByteMutator)(bytes, rng, donors);
    steps.push(name);
  }
  return { bytes: bytes === input ? copy(input) : bytes, steps };
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

// ---------------------------------------------------------------- JSON values

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Numbers at the edges schemas check: signs, integer and float boundaries,
 * the limits used across the contract (255, 1000, 4096, 65536, 1e6), and
 * values JSON cannot carry (NaN, infinities: JSON.stringify turns them into null).
 */
export const BOUNDARY_NUMBERS: readonly number[] = [
  0, -0, 1, -1, 0.5, -0.5, 0.1, 1e-7, 2, 3, 16, 17, 30, 64, 65, 255, 256, 1000, 1001, 4096, 4097, 5000, 5001, 16384, 65535, 65536, 65537,
  1_000_000, 1_000_001, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), 2 ** 32, 2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e21, 1e308, -1e308,
  Number.MAX_VALUE, Number.MIN_VALUE, Number.EPSILON, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY,
];

/** String lengths just past the bounds in the contract, and far past them. */
const HUGE_LENGTHS = [65, 129, 257, 513, 1025, 4097, 65_537] as const;

/** Keys that mean something to JavaScript objects or look like the contract's own. */
const TRICKY_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'type', 'token', 'seq', 'nonce', '', ' ', '\u0000', 'admin'] as const;

/** Text that trips naive handling: controls, quotes, escapes, astral and lone-surrogate UTF-16, RTL, BOM. */
const ODD_STRINGS = ['', ' ', '\u0000', '\\', '"', "'", '\n\r\t', '\ud800', '\udfff', '\ud83d\ude00', '\u202e', '\ufeff', 'null', '1e400', '{}', '[]', 'ÿ'] as const;

export function randomString(rng: Rng, maxLength = 24): string {
  switch (rng.int(5)) {
    case 0:
      return rng.pick(ODD_STRINGS);
    case 1:
      return Array.from({ length: rng.int(maxLength + 1) }, () => String.fromCharCode(rng.between(0x20, 0x7e))).join('');
    case 2:
      return Array.from({ length: rng.int(maxLength + 1) }, () => String.fromCharCode(rng.int(0x10000))).join('');
    case 3:
      return Array.from({ length: rng.int(maxLength + 1) }, () => String.fromCodePoint(rng.between(0x10000, 0x10ffff))).join('');
    default:
      return rng.pick(ODD_STRINGS) + Array.from({ length: rng.int(8) }, () => rng.pick(ODD_STRINGS)).join('');
  }
}

/** A string of one repeated character at a length past some bound; cheap to build however long. */
export function hugeString(rng: Rng): string {
  return rng.pick(['x', '\u00e9', '\ud83d\ude00', '"', '\\', '\u0000']).repeat(rng.pick(HUGE_LENGTHS));
}

export function boundaryNumber(rng: Rng): number {
  return rng.pick(BOUNDARY_NUMBERS);
}

function randomNumber(rng: Rng): number {
  switch (rng.int(4)) {
    case 0:
      return boundaryNumber(rng);
    case 1:
      return rng.between(-1000, 1000);
    case 2:
      return (rng.next() - 0.5) * 10 ** rng.between(-10, 30);
    default:
      return rng.int(2 ** 32);
  }
}

/** Arrays or objects nested `depth` deep around `core`. */
export function deepNest(rng: Rng, depth: number, core: Json = null): Json {
  let value = core;
  const asArray = rng.chance(0.5);
  for (let i = 0; i < depth; i++) value = asArray ? [value] : { a: value };
  return value;
}

/** Any JSON value: any type, any shape, up to `depth` levels of containers. */
export function randomJson(rng: Rng, depth = 4): Json {
  switch (rng.int(depth > 0 ? 7 : 4)) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return randomNumber(rng);
    case 3:
      return randomString(rng, rng.pick([8, 64]));
    case 4:
      return Array.from({ length: rng.int(6) }, () => randomJson(rng, depth - 1));
    case 5: {
      const out: { [key: string]: Json } = {};
      for (let n = rng.int(6); n > 0; n--) setKey(out, rng.chance(0.3) ? rng.pick(TRICKY_KEYS) : randomString(rng, 12), randomJson(rng, depth - 1));
      return out;
    }
    default:
      return deepNest(rng, rng.pick([8, 64, 512]), randomJson(rng, 0));
  }
}

/** A value of another JSON type than `value`. */
export function wrongType(value: unknown, rng: Rng): Json {
  const candidates: Json[] = [null, true, false, 0, -1, 1.5, '', '1', 'true', [], [value as Json], {}, { value: value as Json }];
  const sameType = (c: Json) => typeof c === typeof value && Array.isArray(c) === Array.isArray(value) && (c === null) === (value === null);
  return rng.pick(candidates.filter((c) => !sameType(c)));
}

/**
 * Own, enumerable property even for "__proto__", as JSON.parse makes it;
 * plain assignment would change the object's prototype instead.
 */
function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function clone<T>(value: T): T {
  if (Array.isArray(value)) return value.map(clone) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) setKey(out, k, clone(v));
    return out as T;
  }
  return value;
}

type Container = Record<string, unknown> | unknown[];

const jsonLength = (value: unknown) => JSON.stringify(value)?.length ?? 0;

/**
 * The (container, key) pairs of `root` down to `maxDepth`: mutations aim at
 * the message's own structure, and stopping there keeps the walk off the
 * stack limit when an earlier step nested a value thousands deep.
 */
function slots(root: Container, maxDepth = 16): Array<[Container, string | number]> {
  const out: Array<[Container, string | number]> = [];
  const visit = (node: unknown, depth: number) => {
    // Arrays made by the count mutations hold one value many times over: changing it through them would
    // change every copy at once and grow the message exponentially.
    if (depth > maxDepth || node === null || typeof node !== 'object' || (Array.isArray(node) && node.length > 32)) return;
    const entries: Array<[string | number, unknown]> = Array.isArray(node) ? [...node.entries()] : Object.entries(node);
    for (const [key, child] of entries) {
      out.push([node as Container, key]);
      visit(child, depth + 1);
    }
  };
  visit(root, 0);
  return out;
}

/** A value to put where `current` was; `grow` allows the kinds that make the message large. */
function replacement(current: unknown, rng: Rng, grow: boolean): unknown {
  switch (rng.int(grow ? 7 : 4)) {
    case 0:
      return wrongType(current, rng);
    case 1:
      return boundaryNumber(rng);
    case 2:
      return randomString(rng);
    case 3:
      return randomJson(rng, 3);
    case 4:
      return hugeString(rng);
    case 5:
      // An array past any count bound, of copies of what was there (if small: the copies serialise one by one).
      return new Array(rng.pick([33, 257, 1001])).fill(jsonLength(current) <= 256 ? current : 0);
    default:
      return deepNest(rng, rng.pick([2, 64, 1000]), current as Json);
  }
}

/**
 * 1 to `maxSteps` structural mutations of a valid message (a copy; the input
 * is left alone): a value replaced by a wrong type, a boundary number, a huge
 * string or array, deep nesting; a key removed; an unknown or tricky key added.
 * At most one step makes the message large, so that no case costs more than
 * a few hundred kilobytes of JSON.
 */
export function mutateJson(value: unknown, rng: Rng, maxSteps = 3): unknown {
  let root: unknown = clone(value);
  let grown = false;
  const replace = (current: unknown) => {
    const grow = !grown && rng.chance(0.5);
    grown ||= grow;
    return replacement(current, rng, grow);
  };
  for (let n = rng.between(1, maxSteps); n > 0; n--) {
    if (root === null || typeof root !== 'object') {
      root = replace(root);
      continue;
    }
    const candidates = slots(root as Container);
    const action = rng.int(10);
    if (action === 0 || candidates.length === 0) {
      // Add a key to some container.
      const containers: Container[] = [root as Container, ...candidates.map(([c]) => c)].filter((c) => !Array.isArray(c));
      if (containers.length > 0) setKey(rng.pick(containers) as Record<string, unknown>, rng.chance(0.5) ? rng.pick(TRICKY_KEYS) : randomString(rng, 12), randomJson(rng, 2));
      continue;
    }
    const [container, key] = rng.pick(candidates);
    if (action === 1) {
      if (Array.isArray(container)) container.splice(key as number, 1);
      else delete container[key as string];
    } else if (action === 2 && !grown && Array.isArray(container) && jsonLength(container[key as number]) <= 256) {
      grown = true;
      container.push(...new Array(rng.pick([1, 31, 1000])).fill(container[key as number]));
    } else {
      const current = Array.isArray(container) ? container[key as number] : container[key as string];
      const next = replace(current);
      if (Array.isArray(container)) container[key as number] = next;
      else setKey(container, key as string, next);
    }
  }
  return root;
}

/** Every node of a parsed value with its path, for checking that a schema's bounds held (schemas here nest a few levels at most). */
export function* walk(value: unknown, path = '$', maxDepth = 64): Generator<{ path: string; value: unknown }> {
  yield { path, value };
  if (maxDepth === 0 || value === null || typeof value !== 'object') return;
  const entries: Array<[string | number, unknown]> = Array.isArray(value) ? [...value.entries()] : Object.entries(value);
  for (const [key, child] of entries) yield* walk(child, typeof key === 'number' ? `${path}[${key}]` : `${path}.${key}`, maxDepth - 1);
}
