import fc from 'fast-check';

/**
 * Characters for schema-derived strings, from the whole of Unicode: printable ASCII, the hard
 * parts of the Basic Multilingual Plane (combining marks, bidirectional controls, zero-width
 * characters, line and paragraph separators, the BOM, noncharacters), the astral planes (emoji,
 * mathematical letters, CJK extensions, plane-14 tags, private use up to U+10FFFF) and control
 * characters. Only Unicode scalar values: a lone surrogate is not a character.
 */

/** Inclusive code point ranges. */
export type Ranges = ReadonlyArray<readonly [number, number]>;

export const ASCII_PRINTABLE: Ranges = [[0x20, 0x7e]];
const HARD_BMP: Ranges = [
  [0xa0, 0xff], [0x300, 0x36f], [0x391, 0x3c9], [0x400, 0x44f], [0x5d0, 0x5ea], [0x600, 0x64a], [0xe01, 0xe3a],
  [0x200b, 0x200f], [0x2028, 0x202e], [0x2060, 0x2064], [0x3041, 0x3096], [0x4e00, 0x9fff], [0xac00, 0xd7a3],
  [0xe000, 0xe0ff], [0xfdd0, 0xfdef], [0xfe00, 0xfe0f], [0xfeff, 0xfeff], [0xfff9, 0xffff],
];
export const ASTRAL: Ranges = [
  [0x1f300, 0x1faff], [0x1d400, 0x1d7ff], [0x20000, 0x2a6df], [0x10000, 0x1007f], [0xe0000, 0xe007f], [0xf0000, 0xf00ff], [0x10ff00, 0x10ffff],
];
export const CONTROL: Ranges = [[0x00, 0x1f], [0x7f, 0x9f]];
const EVERYTHING: Ranges = [[0x0, 0xd7ff], [0xe000, 0x10ffff]];

/** Which characters a string draws from: mostly ASCII, everything mixed, or astral only. */
export type Flavour = 'ascii' | 'mixed' | 'astral';

const BUCKETS: Record<Flavour, Array<{ weight: number; ranges: Ranges }>> = {
  ascii: [{ weight: 1, ranges: ASCII_PRINTABLE }],
  mixed: [
    { weight: 5, ranges: ASCII_PRINTABLE },
    { weight: 3, ranges: HARD_BMP },
    { weight: 2, ranges: ASTRAL },
    { weight: 1, ranges: CONTROL },
    { weight: 1, ranges: EVERYTHING },
  ],
  astral: [{ weight: 1, ranges: ASTRAL }],
};

/** A predicate over code points. */
export type Allowed = (codePoint: number) => boolean;

export const anything: Allowed = () => true;

function rangesArb(ranges: Ranges): fc.Arbitrary<number> {
  return fc.oneof(...ranges.map(([lo, hi]) => fc.integer({ min: lo, max: hi })));
}

/** Whether any code point of `ranges` is allowed (checked exhaustively; the ranges are small enough). */
function anyAllowed(ranges: Ranges, allowed: Allowed): boolean {
  for (const [lo, hi] of ranges) for (let cp = lo; cp <= hi; cp += hi - lo > 4096 ? 97 : 1) if (allowed(cp)) return true;
  return false;
}

/** One character of the flavour that `allowed` accepts, or undefined when the flavour has none. */
export function charArb(flavour: Flavour, allowed: Allowed): fc.Arbitrary<string> | undefined {
  const buckets = BUCKETS[flavour].filter((b) => anyAllowed(b.ranges, allowed));
  if (buckets.length === 0) return undefined;
  return fc.oneof(...buckets.map((b) => ({ weight: b.weight, arbitrary: rangesArb(b.ranges) })))
    .filter(allowed)
    .map((cp) => String.fromCodePoint(cp));
}

/** One character from explicit ranges (a positive character class). */
export function charFromRanges(ranges: Ranges): fc.Arbitrary<string> {
  return rangesArb(ranges).map((cp) => String.fromCodePoint(cp));
}

/** A character none of `allowed` accepts (a control character, say), from any flavour. */
export function forbiddenCharArb(allowed: Allowed, within: Allowed = anything): fc.Arbitrary<string> | undefined {
  const refused: Allowed = (cp) => !allowed(cp) && within(cp);
  const pools = [CONTROL, ASCII_PRINTABLE, HARD_BMP, ASTRAL, EVERYTHING].filter((ranges) => anyAllowed(ranges, refused));
  if (pools.length === 0) return undefined;
  return fc.oneof(...pools.map(rangesArb)).filter(refused).map((cp) => String.fromCodePoint(cp));
}

/** Length in code points, as JSON Schema counts it (not UTF-16 units, as String.length does). */
export function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
