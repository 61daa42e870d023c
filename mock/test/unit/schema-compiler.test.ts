import { describe, expect, it } from 'vitest';
import { createSchemaCompiler } from '../../src/schema-compiler.ts';

describe('schema compiler (ajv 2020 over the spec’s components)', () => {
  it('ignores vendor extensions but keeps properties whose names look like keywords or extensions', () => {
    const compiler = createSchemaCompiler({
      components: {
        schemas: {
          A: {
            type: 'object',
            'x-internal': true,
            properties: { 'x-bar': { type: 'integer' }, required: { type: 'string' } },
            required: ['x-bar'],
          },
        },
      },
    });
    const validate = compiler.compile({ $ref: '#/components/schemas/A' });
    expect(validate({ 'x-bar': 1, required: 'yes' })).toBe(true);
    expect(validate({ 'x-bar': 'one' })).toBe(false);
    expect(validate({})).toBe(false);
    expect(validate({ 'x-bar': 1, required: 5 })).toBe(false);
  });

  it('treats a discriminated oneOf as plain JSON Schema would: objects only, exactly one branch', () => {
    const compiler = createSchemaCompiler({
      components: {
        schemas: {
          Cat: { type: 'object', required: ['kind'], properties: { kind: { const: 'cat' }, lives: { type: 'integer' } } },
          Dog: { type: 'object', required: ['kind'], properties: { kind: { const: 'dog' } } },
          Pet: {
            oneOf: [{ $ref: '#/components/schemas/Cat' }, { $ref: '#/components/schemas/Dog' }],
            discriminator: { propertyName: 'kind', mapping: { cat: '#/components/schemas/Cat', dog: '#/components/schemas/Dog' } },
          },
        },
      },
    });
    const validate = compiler.compile({ $ref: '#/components/schemas/Pet' });
    expect(validate({ kind: 'cat', lives: 9 })).toBe(true);
    expect(validate({ kind: 'dog' })).toBe(true);
    for (const bad of [{ kind: 'cow' }, { kind: 'cat', lives: 'many' }, {}, null, [], 'cat', 3]) expect(validate(bad), JSON.stringify(bad)).toBe(false);
  });

  it('fills defaults only when asked to', () => {
    const document = { components: { schemas: { R: { type: 'object', properties: { n: { type: 'integer', default: 0 } } } } } };
    const withDefaults = { } as Record<string, unknown>;
    createSchemaCompiler(document, { useDefaults: true }).compile({ $ref: '#/components/schemas/R' })(withDefaults);
    expect(withDefaults).toEqual({ n: 0 });
    const without = {} as Record<string, unknown>;
    createSchemaCompiler(document).compile({ $ref: '#/components/schemas/R' })(without);
    expect(without).toEqual({});
  });
});
