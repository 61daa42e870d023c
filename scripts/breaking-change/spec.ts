// One OpenAPI document, read so that every value keeps its location. The comparison walks both
// documents with `$ref`s resolved, and each node it reaches carries the JSON pointer of where it
// really lives (the component, not the operation that reached it): that is what lets a change
// inside a shared component be reported once, at one pointer, with every operation that reaches
// it, and what makes a renamed component invisible (the walk never looks at a component's name).
import pointer from 'json-pointer';

export type JsonObject = { [key: string]: unknown };

/** A value and the pointer (a URI fragment, `#/components/schemas/ApiKey`) where it lives. */
export interface Node<T = unknown> {
  value: T;
  pointer: string;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `#/a/b` + `c/d` → `#/a/b/c~1d`. */
export function pointerTo(base: string, ...keys: (string | number)[]): string {
  return base + keys.map((key) => `/${pointer.escape(String(key))}`).join('');
}

/** The reference tokens of a `#/…` fragment (percent-decoded, unescaped). */
export function tokensOf(fragment: string): string[] {
  return pointer.parse(decodeURIComponent(fragment.replace(/^#/, '')));
}

export class Spec {
  constructor(
    readonly document: JsonObject,
    /** Where the document came from, as the user named it. */
    readonly source: string,
  ) {}

  get version(): string {
    const info = this.document.info;
    return isObject(info) && typeof info.version === 'string' ? info.version : '';
  }

  root(): Node<JsonObject> {
    return { value: this.document, pointer: '#' };
  }

  /** The value at a `#/…` pointer, or undefined. */
  get(at: string): unknown {
    const tokens = tokensOf(at);
    return pointer.has(this.document, tokens) ? pointer.get(this.document, tokens) : undefined;
  }

  /** Follows `$ref`s until a value that is not a reference; the pointer follows along. */
  resolve<T = unknown>(node: Node): Node<T> {
    let current = node;
    const seen = new Set<string>();
    while (isObject(current.value) && typeof current.value.$ref === 'string') {
      const ref = current.value.$ref;
      // openapi-core has bundled every external reference into the document and refused
      // unresolvable ones, so only local references remain here.
      if (!ref.startsWith('#') || seen.has(ref)) break;
      seen.add(ref);
      current = { value: this.get(ref), pointer: normalizeFragment(ref) };
    }
    return current as Node<T>;
  }

  /** The child at `key`, as written (a `$ref` is not followed). */
  child<T = unknown>(node: Node, key: string | number): Node<T> | undefined {
    const value = node.value;
    if (Array.isArray(value) && typeof key === 'number') {
      return key < value.length ? { value: value[key] as T, pointer: pointerTo(node.pointer, key) } : undefined;
    }
    if (!isObject(value) || !Object.hasOwn(value, key)) return undefined;
    return { value: value[key] as T, pointer: pointerTo(node.pointer, key) };
  }

  /** The child at `key`, with `$ref`s followed. */
  at<T = unknown>(node: Node, key: string | number): Node<T> | undefined {
    const child = this.child(node, key);
    return child === undefined ? undefined : this.resolve<T>(child);
  }

  /** The entries of an object node, as written (values not resolved). */
  entries(node: Node | undefined): [string, Node][] {
    if (node === undefined || !isObject(node.value)) return [];
    return Object.keys(node.value).map((key) => [key, this.child(node, key)!]);
  }

  /** The items of an array node, as written. */
  items(node: Node | undefined): Node[] {
    if (node === undefined || !Array.isArray(node.value)) return [];
    return node.value.map((_, index) => this.child(node, index)!);
  }
}

/** One spelling per location: `#/a/%7Bb%7D` and `#/a/{b}` name the same node. */
function normalizeFragment(ref: string): string {
  return pointerTo('#', ...tokensOf(ref));
}
