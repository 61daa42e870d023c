import type { Allowed, Ranges } from './characters.ts';

/**
 * The shape of the patterns request schemas use, read well enough to generate from them over the
 * whole of Unicode: a literal prefix, at most one character class with a quantifier, a literal
 * suffix, anchored or not (`^[^\x00-\x1F\x7F]*$`, `^key_[0-9A-Za-z]{24}$`, `^https://`). Anything
 * else (groups, alternation) is left to fast-check's `stringMatching` (ASCII) and the validator.
 */
export interface SimplePattern {
  prefix: string;
  /** The class the variable part draws from; undefined when the pattern is literals only. */
  cls?: { ranges: Ranges; negated: boolean };
  min: number;
  max: number;
  suffix: string;
  /** Without `$`: anything may follow. */
  openEnd: boolean;
  /** Without `^`: anything may precede. */
  openStart: boolean;
}

export function parsePattern(source: string): SimplePattern | undefined {
  let i = 0;
  const openStart = source[0] !== '^';
  if (!openStart) i++;
  let end = source.length;
  const openEnd = !(source.endsWith('$') && !source.endsWith('\\$'));
  if (!openEnd) end--;
  const literal = (): string | undefined => {
    let out = '';
    while (i < end) {
      const ch = source[i];
      if ('[]().|*+?{}^$'.includes(ch)) break;
      if (ch === '\\') {
        const escaped = readEscape(source, i + 1);
        if (!escaped || escaped.classLike) return undefined;
        out += String.fromCodePoint(escaped.codePoint);
        i = escaped.next;
        continue;
      }
      out += ch;
      i++;
    }
    return out;
  };
  const prefix = literal();
  if (prefix === undefined) return undefined;
  if (i === end) return { prefix, min: 0, max: 0, suffix: '', openEnd, openStart };
  if (source[i] !== '[') return undefined;
  const cls = readClass(source, i);
  if (!cls) return undefined;
  i = cls.next;
  const quantifier = readQuantifier(source, i, end);
  if (!quantifier) return undefined;
  i = quantifier.next;
  const suffix = literal();
  if (suffix === undefined || i !== end) return undefined;
  return { prefix, cls: { ranges: cls.ranges, negated: cls.negated }, min: quantifier.min, max: quantifier.max, suffix, openEnd, openStart };
}

/** Whether the class accepts a code point. */
export function classAllows(cls: { ranges: Ranges; negated: boolean }): Allowed {
  return (cp) => cls.ranges.some(([lo, hi]) => cp >= lo && cp <= hi) !== cls.negated;
}

function readClass(source: string, start: number): { ranges: Ranges; negated: boolean; next: number } | undefined {
  let i = start + 1;
  const negated = source[i] === '^';
  if (negated) i++;
  const ranges: Array<[number, number]> = [];
  const atom = (): { codePoint: number; next: number } | undefined => {
    if (source[i] === '\\') {
      const escaped = readEscape(source, i + 1);
      if (!escaped || escaped.classLike) return undefined;
      return { codePoint: escaped.codePoint, next: escaped.next };
    }
    const codePoint = source.codePointAt(i)!;
    return { codePoint, next: i + String.fromCodePoint(codePoint).length };
  };
  while (i < source.length && source[i] !== ']') {
    if (source[i] === '\\' && 'dws'.includes(source[i + 1] ?? '')) {
      const shorthand = source[i + 1];
      ranges.push(...(shorthand === 'd' ? [[48, 57]] : shorthand === 'w' ? [[48, 57], [65, 90], [95, 95], [97, 122]] : [[9, 13], [32, 32]]) as Array<[number, number]>);
      i += 2;
      continue;
    }
    const from = atom();
    if (!from) return undefined;
    i = from.next;
    if (source[i] === '-' && source[i + 1] !== ']' && i + 1 < source.length) {
      i++;
      const to = atom();
      if (!to || to.codePoint < from.codePoint) return undefined;
      i = to.next;
      ranges.push([from.codePoint, to.codePoint]);
    } else {
      ranges.push([from.codePoint, from.codePoint]);
    }
  }
  if (source[i] !== ']') return undefined;
  return { ranges, negated, next: i + 1 };
}

function readQuantifier(source: string, i: number, end: number): { min: number; max: number; next: number } | undefined {
  const UNBOUNDED = Number.POSITIVE_INFINITY;
  if (i >= end) return { min: 1, max: 1, next: i };
  const ch = source[i];
  if (ch === '*') return { min: 0, max: UNBOUNDED, next: i + 1 };
  if (ch === '+') return { min: 1, max: UNBOUNDED, next: i + 1 };
  if (ch === '?') return { min: 0, max: 1, next: i + 1 };
  if (ch === '{') {
    const match = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i, end));
    if (!match) return undefined;
    const min = Number(match[1]);
    const max = match[2] === undefined ? min : match[3] === '' ? UNBOUNDED : Number(match[3]);
    return { min, max, next: i + match[0].length };
  }
  return { min: 1, max: 1, next: i };
}

function readEscape(source: string, i: number): { codePoint: number; next: number; classLike?: boolean } | undefined {
  const ch = source[i];
  if (ch === undefined) return undefined;
  if (ch === 'x') {
    const hex = /^[0-9a-fA-F]{2}/.exec(source.slice(i + 1));
    return hex ? { codePoint: parseInt(hex[0], 16), next: i + 3 } : undefined;
  }
  if (ch === 'u') {
    const braced = /^\{([0-9a-fA-F]{1,6})\}/.exec(source.slice(i + 1));
    if (braced) return { codePoint: parseInt(braced[1], 16), next: i + 1 + braced[0].length };
    const hex = /^[0-9a-fA-F]{4}/.exec(source.slice(i + 1));
    return hex ? { codePoint: parseInt(hex[0], 16), next: i + 5 } : undefined;
  }
  const controls: Record<string, number> = { n: 10, r: 13, t: 9, f: 12, v: 11, '0': 0 };
  if (ch in controls) return { codePoint: controls[ch], next: i + 1 };
  if ('dwsDWSbB'.includes(ch) || /[1-9]/.test(ch)) return { codePoint: 0, next: i + 1, classLike: true };
  return { codePoint: ch.codePointAt(0)!, next: i + 1 };
}
