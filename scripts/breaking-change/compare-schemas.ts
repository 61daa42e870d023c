// Compares two schemas in the direction the data flows. In a request the client writes and the
// server validates: a schema that accepts less breaks clients. In a response the server writes
// and the client reads: a schema that may produce more (a new type, null, a lost property)
// breaks clients. Both schemas are first normalized (normalize-schema.ts), so spelling changes —
// a renamed component, `enum: [x]` beside `const: x`, `allOf` reshuffles — are no change at all.
import type { Scope } from './context.ts';
import { compareExamples, compareTexts } from './documentation.ts';
import { refineKeyFormat } from './key-format.ts';
import { LOWER_BOUNDS, type NormalSchema, normalizeSchema, UPPER_BOUNDS } from './normalize-schema.ts';
import type { RuleId } from './rules.ts';
import type { Node, Spec } from './spec.ts';

export type Direction = 'request' | 'response';

export interface SchemaWalk {
  direction: Direction;
  /** Where the schema was reached from: "query parameter limit", "response 200 body". */
  subject: string;
  /** Property path below the subject: ["data", "scopes", "[]"]. */
  path: string[];
  /** In an application/problem+json body, the members the problem catalogue judges. */
  problemBody: boolean;
  /** Pairs of schemas being compared further up, to stop on recursive schemas. */
  stack: Set<string>;
}

/** Compared by compare-problems.ts, per problem code, not as generic values. */
const PROBLEM_MEMBERS = new Set(['type', 'title', 'status', 'code']);

export function startWalk(direction: Direction, subject: string, problemBody = false): SchemaWalk {
  return { direction, subject, path: [], problemBody, stack: new Set() };
}

export function compareSchemas(scope: Scope, base: Node[], revision: Node[], walk: SchemaWalk): void {
  const b = normalizeSchema(scope.base, base);
  const r = normalizeSchema(scope.revision, revision);
  const pair = `${b.parts[0]?.pointer}|${r.parts[0]?.pointer}`;
  if (walk.stack.has(pair)) return;
  walk.stack.add(pair);
  try {
    new SchemaComparison(scope, b, r, base, revision, walk).run();
  } finally {
    walk.stack.delete(pair);
  }
}

class SchemaComparison {
  private readonly subject: string;
  private readonly request: boolean;

  constructor(
    private readonly scope: Scope,
    private readonly b: NormalSchema,
    private readonly r: NormalSchema,
    private readonly baseNodes: Node[],
    private readonly revisionNodes: Node[],
    private readonly walk: SchemaWalk,
  ) {
    this.subject = walk.path.length > 0 ? `${walk.subject} › ${walk.path.join('.').replace(/\.\[\]/g, '[]')}` : walk.subject;
    this.request = walk.direction === 'request';
  }

  run(): void {
    this.compareDocumentation();
    if (Boolean(this.b.variants) !== Boolean(this.r.variants)) {
      // One side is a union and the other is not: the plain side is a union of one.
      this.compareVariants();
      return;
    }
    const member = this.walk.path.length === 1 ? this.walk.path[0]! : '';
    if (!(this.walk.problemBody && PROBLEM_MEMBERS.has(member))) this.compareValues();
    this.compareTypes();
    this.compareBounds();
    this.comparePatterns();
    this.compareFormat();
    this.compareProperties();
    this.compareNested();
    if (this.b.variants && this.r.variants) this.compareVariants();
  }

  private report(rule: RuleId, change: string, base: string | undefined, revision: string | undefined): void {
    this.scope.report(refineKeyFormat({
      rule,
      ...(base !== undefined ? { base } : {}),
      ...(revision !== undefined ? { revision } : {}),
      change,
      subject: this.subject,
    }, this.scope.keyFormat));
  }

  /**
   * Words and examples of the parts that are the same on both sides: the same location first,
   * then what is left in order (a renamed component). A part that exists on one side only (a
   * `oneOf` wrapper added around a schema) has nothing to compare its words with.
   */
  private compareDocumentation(): void {
    const after = [...this.r.parts];
    const unmatched = this.b.parts.filter((part) => {
      const index = after.findIndex((other) => other.pointer === part.pointer);
      if (index < 0) return true;
      this.compareWords(part, after.splice(index, 1)[0]!);
      return false;
    });
    unmatched.forEach((part, index) => {
      if (after[index]) this.compareWords(part, after[index]);
    });
  }

  private compareWords(before: Node, after: Node): void {
    compareTexts(this.scope, before, after, this.subject);
    compareExamples(this.scope, before, after, this.subject);
  }

  private compareValues(): void {
    const before = this.b.values;
    const after = this.r.values;
    if (!before && !after) return;
    if (!before || !after) {
      const limited = after ? `now limited to ${list(after.value.values())}` : 'no longer limited to a list of values';
      const narrower = after !== undefined;
      const rule: RuleId = this.request
        ? narrower ? 'request.value-removed' : 'request.value-added'
        : narrower ? 'response.value-removed' : 'response.value-added';
      this.report(rule, limited, before?.pointer, after?.pointer);
      return;
    }
    const removed = [...before.value].filter(([key]) => !after.value.has(key)).map(([, value]) => value);
    const added = [...after.value].filter(([key]) => !before.value.has(key)).map(([, value]) => value);
    if (removed.length === 0 && added.length === 0) return;
    if (this.request) {
      if (removed.length > 0) this.report('request.value-removed', `no longer accepts ${list(removed)}`, before.pointer, after.pointer);
      if (added.length > 0) this.report('request.value-added', `also accepts ${list(added)}`, before.pointer, after.pointer);
      return;
    }
    if (added.length > 0 && removed.length === before.value.size) {
      this.report('response.value-replaced', `${list(removed)} → ${list(added)}`, before.pointer, after.pointer);
      return;
    }
    if (added.length > 0) this.report('response.value-added', `may now be ${list(added)}`, before.pointer, after.pointer);
    if (removed.length > 0) this.report('response.value-removed', `never ${list(removed)} any more`, before.pointer, after.pointer);
  }

  private compareTypes(): void {
    const before = effectiveTypes(this.b);
    const after = effectiveTypes(this.r);
    const at = [this.b.types?.pointer, this.r.types?.pointer] as const;
    if (before || after) {
      const lost = [...(before ?? ANY_TYPE)].filter((type) => !accepts(after, type));
      const gained = [...(after ?? ANY_TYPE)].filter((type) => !accepts(before, type));
      const change = `type ${typeList(before)} → ${typeList(after)}`;
      if (this.request) {
        if (lost.length > 0) this.report('request.type-narrowed', change, ...at);
        else if (gained.length > 0) this.report('request.type-widened', change, ...at);
      } else if (gained.length > 0) this.report('response.type-changed', change, ...at);
      else if (lost.length > 0) this.report('response.type-narrowed', change, ...at);
    }
    const nullBefore = this.b.allowsNull;
    const nullAfter = this.r.allowsNull;
    if (nullBefore.value === nullAfter.value) return;
    const ats = [nullBefore.pointer, nullAfter.pointer] as const;
    if (this.request) {
      if (nullBefore.value) this.report('request.type-narrowed', 'null no longer accepted', ...ats);
      else this.report('request.type-widened', 'null now accepted', ...ats);
    } else if (nullAfter.value) this.report('response.nullable-added', 'may now be null', ...ats);
    else this.report('response.type-narrowed', 'never null any more', ...ats);
  }

  private compareBounds(): void {
    for (const keyword of [...LOWER_BOUNDS, ...UPPER_BOUNDS]) {
      const before = this.b.bounds[keyword];
      const after = this.r.bounds[keyword];
      if (before?.value === after?.value) continue;
      const lower = (LOWER_BOUNDS as readonly string[]).includes(keyword);
      const tightened = before === undefined || (after !== undefined && (lower ? after.value > before.value : after.value < before.value));
      const change =
        before === undefined ? `${keyword} ${after!.value} added`
        : after === undefined ? `${keyword} ${before.value} removed`
        : `${keyword} ${after.value > before.value ? 'raised' : 'lowered'} from ${before.value} to ${after.value}`;
      this.bound(tightened, change, before?.pointer, after?.pointer);
    }
    const multipleOf = [this.b.multipleOf, this.r.multipleOf] as const;
    if (multipleOf[0]?.value !== multipleOf[1]?.value) {
      const loosened = multipleOf[1] === undefined || (multipleOf[0] !== undefined && multipleOf[0].value % multipleOf[1].value === 0);
      this.bound(!loosened, `multipleOf ${multipleOf[0]?.value ?? 'none'} → ${multipleOf[1]?.value ?? 'none'}`, multipleOf[0]?.pointer, multipleOf[1]?.pointer);
    }
    if (Boolean(this.b.uniqueItems) !== Boolean(this.r.uniqueItems)) {
      this.bound(Boolean(this.r.uniqueItems), `uniqueItems ${this.r.uniqueItems ? 'added' : 'removed'}`, this.b.uniqueItems?.pointer, this.r.uniqueItems?.pointer);
    }
  }

  private bound(tightened: boolean, change: string, base: string | undefined, revision: string | undefined): void {
    const rule: RuleId = this.request
      ? tightened ? 'request.bound-tightened' : 'request.bound-loosened'
      : tightened ? 'response.bound-tightened' : 'response.bound-loosened';
    this.report(rule, change, base, revision);
  }

  private comparePatterns(): void {
    const removed = [...this.b.patterns].filter(([pattern]) => !this.r.patterns.has(pattern));
    const added = [...this.r.patterns].filter(([pattern]) => !this.b.patterns.has(pattern));
    if (removed.length === 0 && added.length === 0) return;
    const change =
      removed.length === 1 && added.length === 1 ? `pattern \`${removed[0]![0]}\` → \`${added[0]![0]}\``
      : [...added.map(([p]) => `pattern \`${p}\` added`), ...removed.map(([p]) => `pattern \`${p}\` removed`)].join(', ');
    const at = [removed[0]?.[1], added[0]?.[1]] as const;
    if (!this.request) this.report('response.pattern-changed', change, ...at);
    else if (added.length > 0) this.report('request.pattern-changed', change, ...at);
    else this.report('request.bound-loosened', change, ...at);
  }

  private compareFormat(): void {
    const before = this.b.format;
    const after = this.r.format;
    if (before?.value === after?.value) return;
    const change = `format ${before ? `\`${before.value}\`` : 'none'} → ${after ? `\`${after.value}\`` : 'none'}`;
    if (isHint(before?.value) && isHint(after?.value)) {
      this.report('doc.format-hint-changed', change, before?.pointer, after?.pointer);
      return;
    }
    if (!this.request) this.report('response.format-changed', change, before?.pointer, after?.pointer);
    else if (after) this.report('request.format-changed', change, before?.pointer, after.pointer);
    else this.report('request.bound-loosened', change, before?.pointer, undefined);
  }

  private compareProperties(): void {
    const visibleBefore = visibleProperties(this.scope.base, this.b, this.walk.direction);
    const visibleAfter = visibleProperties(this.scope.revision, this.r, this.walk.direction);
    const names = [...new Set([...visibleBefore.keys(), ...visibleAfter.keys()])];
    for (const name of names) {
      const before = visibleBefore.get(name);
      const after = visibleAfter.get(name);
      const requiredBefore = this.b.required.get(name);
      const requiredAfter = this.r.required.get(name);
      const label = `property \`${name}\``;
      if (before && !after) {
        const rule: RuleId = this.request
          ? this.r.closed ? 'request.property-removed' : 'request.property-removed-tolerated'
          : requiredBefore ? 'response.required-property-removed' : 'response.optional-property-removed';
        this.report(rule, `${label} removed`, before[0]!.pointer, undefined);
      } else if (!before && after) {
        const rule: RuleId = this.request
          ? requiredAfter ? 'request.required-property-added' : 'request.optional-property-added'
          : 'response.property-added';
        this.report(rule, `${label} added${requiredAfter ? ' (required)' : ''}`, undefined, after[0]!.pointer);
      } else if (before && after) {
        if (Boolean(requiredBefore) !== Boolean(requiredAfter)) {
          const nowRequired = Boolean(requiredAfter);
          const rule: RuleId = this.request
            ? nowRequired ? 'request.property-made-required' : 'request.property-made-optional'
            : nowRequired ? 'response.property-made-required' : 'response.property-made-optional';
          this.report(rule, `${label} ${nowRequired ? 'now required' : 'no longer required'}`, requiredBefore, requiredAfter);
        }
        compareSchemas(this.scope, before, after, { ...this.walk, path: [...this.walk.path, name] });
      }
    }
    if (this.request && Boolean(this.b.closed) !== Boolean(this.r.closed)) {
      if (this.r.closed) this.report('request.unknown-properties-refused', 'unknown properties now refused', undefined, this.r.closed);
      else this.report('request.unknown-properties-accepted', 'unknown properties now accepted', this.b.closed, undefined);
    }
  }

  private compareNested(): void {
    if (this.b.items.length > 0 && this.r.items.length > 0) {
      compareSchemas(this.scope, this.b.items, this.r.items, { ...this.walk, path: [...this.walk.path, '[]'] });
    }
    if (this.b.additionalProperties.length > 0 && this.r.additionalProperties.length > 0) {
      compareSchemas(this.scope, this.b.additionalProperties, this.r.additionalProperties, { ...this.walk, path: [...this.walk.path, '*'] });
    }
  }

  private compareVariants(): void {
    const before = this.b.variants?.branches.map((branch) => [branch]) ?? [this.baseNodes];
    const after = this.r.variants?.branches.map((branch) => [branch]) ?? [this.revisionNodes];
    const discriminators = [this.b.variants?.discriminator, this.r.variants?.discriminator].filter((d): d is string => d !== undefined);
    const { tag, beforeKeys, afterKeys } = keyBranches(this.scope, before, after, discriminators);
    const afterByKey = new Map(afterKeys.map((key, index) => [key, after[index]!]));
    const beforeByKey = new Map(beforeKeys.map((key, index) => [key, before[index]!]));
    for (const [index, key] of beforeKeys.entries()) {
      const match = afterByKey.get(key);
      if (match) compareSchemas(this.scope, before[index]!, match, this.walk);
      else {
        const rule: RuleId = this.request ? 'request.variant-removed' : 'response.variant-removed';
        this.report(rule, `variant ${label(key)} removed`, this.scope.base.resolve(before[index]![0]!).pointer, undefined);
      }
    }
    for (const [index, key] of afterKeys.entries()) {
      if (beforeByKey.has(key)) continue;
      const rule: RuleId = this.request ? 'request.variant-added' : tag ? 'response.variant-added' : 'response.type-changed';
      this.report(rule, `variant ${label(key)} added`, undefined, this.scope.revision.resolve(after[index]![0]!).pointer);
    }
  }
}

const ANY_TYPE = ['array', 'boolean', 'integer', 'number', 'object', 'string'];

/**
 * Formats that allow every value of their type: OpenAPI's `password` ("a hint to UIs to obscure
 * input") and `binary`, which validators such as ajv-formats accept unconditionally.
 */
const HINT_FORMATS = new Set(['password', 'binary']);

function isHint(format: string | undefined): boolean {
  return format === undefined || HINT_FORMATS.has(format);
}

/** The types a schema allows; an enum or const without `type` allows the types of its values. */
function effectiveTypes(schema: NormalSchema): Set<string> | undefined {
  if (schema.types) return schema.types.value;
  if (!schema.values) return undefined;
  const types = new Set<string>();
  for (const value of schema.values.value.values()) {
    if (value === null) continue;
    types.add(Array.isArray(value) ? 'array' : typeof value === 'number' ? (Number.isInteger(value) ? 'integer' : 'number') : typeof value);
  }
  return types;
}

function accepts(types: Set<string> | undefined, type: string): boolean {
  return types === undefined || types.has(type) || (type === 'integer' && types.has('number'));
}

function typeList(types: Set<string> | undefined): string {
  return types === undefined ? 'any' : [...types].sort().join('|') || 'none';
}

function list(values: Iterable<unknown>): string {
  const all = [...values].map((value) => `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``);
  return all.length > 6 ? `${all.slice(0, 6).join(', ')} and ${all.length - 6} more` : all.join(', ');
}

/** The properties a client sees in this direction: no readOnly ones in a request, no writeOnly in a response. */
function visibleProperties(spec: Spec, schema: NormalSchema, direction: Direction): Map<string, Node[]> {
  const visible = new Map<string, Node[]>();
  for (const [name, nodes] of schema.properties) {
    const property = normalizeSchema(spec, nodes);
    if (direction === 'request' ? property.readOnly : property.writeOnly) continue;
    visible.set(name, nodes);
  }
  return visible;
}

interface BranchKeys {
  tag?: string;
  beforeKeys: string[];
  afterKeys: string[];
}

/**
 * Pairs union branches across the sides. Tagged unions (a discriminator, or a property that has
 * one distinct constant per branch, like a problem's `code`) pair by tag value; others by the
 * types they allow, or by position when that is ambiguous.
 */
function keyBranches(scope: Scope, before: Node[][], after: Node[][], discriminators: string[]): BranchKeys {
  const beforeSchemas = before.map((nodes) => normalizeSchema(scope.base, nodes));
  const afterSchemas = after.map((nodes) => normalizeSchema(scope.revision, nodes));
  const candidates = [...discriminators, ...[...new Set([...beforeSchemas, ...afterSchemas].flatMap((s) => [...s.properties.keys()]))].sort()];
  for (const tag of candidates) {
    const beforeKeys = tagValues(scope.base, beforeSchemas, tag);
    const afterKeys = tagValues(scope.revision, afterSchemas, tag);
    if (beforeKeys && afterKeys) return { tag, beforeKeys: beforeKeys.map((v) => `${tag}=${v}`), afterKeys: afterKeys.map((v) => `${tag}=${v}`) };
  }
  const shape = (schema: NormalSchema) => `type ${typeList(effectiveTypes(schema))}`;
  const beforeKeys = beforeSchemas.map(shape);
  const afterKeys = afterSchemas.map(shape);
  if (new Set(beforeKeys).size === beforeKeys.length && new Set(afterKeys).size === afterKeys.length) return { beforeKeys, afterKeys };
  return { beforeKeys: before.map((_, index) => `#${index + 1}`), afterKeys: after.map((_, index) => `#${index + 1}`) };
}

/** Each branch's single constant value of `tag`, if every branch has a distinct one. */
function tagValues(spec: Spec, schemas: NormalSchema[], tag: string): string[] | undefined {
  const values: string[] = [];
  for (const schema of schemas) {
    const nodes = schema.properties.get(tag);
    if (!nodes) return undefined;
    const values_ = normalizeSchema(spec, nodes).values?.value;
    if (!values_ || values_.size !== 1) return undefined;
    values.push([...values_.keys()][0]!);
  }
  return new Set(values).size === values.length ? values : undefined;
}

function label(key: string): string {
  return key.startsWith('#') ? key : `(${key})`;
}

