// JSON values as TypeScript source, laid out the way a person would write them: unquoted keys
// where possible, single-quoted strings, short objects and arrays on one line.

/** Source code to place as is where a value would go (e.g. `crypto.randomUUID()`). */
export class TsExpression {
  constructor(readonly source: string) {}
}

/** A TypeScript expression for a JSON value, laid out like hand-written code. */
export function tsLiteral(value: unknown, indent = ''): string {
  const inner = `${indent}  `;
  if (value instanceof TsExpression) return value.source;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const items = value.map((item) => tsLiteral(item, inner));
    const oneLine = `[${items.join(', ')}]`;
    if (oneLine.length <= 72 && !oneLine.includes('\n')) return oneLine;
    return `[\n${items.map((item) => `${inner}${item},`).join('\n')}\n${indent}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    const fields = entries.map(([key, field]) => `${tsKey(key)}: ${tsLiteral(field, inner)}`);
    const oneLine = `{ ${fields.join(', ')} }`;
    if (oneLine.length <= 72 && !oneLine.includes('\n')) return oneLine;
    return `{\n${fields.map((field) => `${inner}${field},`).join('\n')}\n${indent}}`;
  }
  if (typeof value === 'string') return tsString(value);
  return JSON.stringify(value);
}

function tsKey(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : tsString(key);
}

export function tsString(text: string): string {
  return /^[^'\\\n\r\u2028\u2029\x00-\x1f]*$/.test(text) ? `'${text}'` : JSON.stringify(text);
}
