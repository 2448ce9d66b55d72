import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { lazyValidators } from '../../../server/http/lazy-validators.js';

const ajv = { customOptions: { removeAdditional: false, coerceTypes: 'array' as const, useDefaults: true, allErrors: false } };

describe('request validators compiled on first use', () => {
  it('coerces, fills defaults and refuses as a validator compiled at start does, and compiles none before a request', async () => {
    let compiled = 0;
    const factory = lazyValidators();
    // Counts what the Ajv instance behind the factory compiles.
    const counting: typeof factory = (externals, options) =>
      factory(externals, {
        ...options,
        onCreate: (instance) => {
          const compile = instance.compile.bind(instance);
          instance.compile = ((schema: object) => (compiled++, compile(schema))) as typeof instance.compile;
        },
      });
    const app = Fastify({ ajv, schemaController: { compilersFactory: { buildValidator: counting } } });
    const query = { type: 'object', properties: { n: { type: 'integer' }, tags: { type: 'array', items: { type: 'string' } }, sort: { type: 'string', default: 'new' } }, additionalProperties: false };
    app.get('/q', { schema: { querystring: query } }, async (request) => request.query);
    app.post('/b', { schema: { body: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 2 } } } } }, async (request) => request.body);
    await app.ready();
    expect(compiled).toBe(0);

    for (let round = 0; round < 2; round++) {
      const ok = await app.inject('/q?n=5&tags=a');
      expect(ok.json()).toEqual({ n: 5, tags: ['a'], sort: 'new' });
      const bad = await app.inject('/q?n=five');
      expect(bad.statusCode).toBe(400);
      expect(bad.json().message).toMatch(/querystring\/n must be integer/);
      const refused = await app.inject({ method: 'POST', url: '/b', payload: { name: 'x' } });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().message).toMatch(/body\/name must NOT have fewer than 2 characters/);
      expect((await app.inject({ method: 'POST', url: '/b', payload: { name: 'xy' } })).json()).toEqual({ name: 'xy' });
    }
    expect(compiled).toBe(2);
    await app.close();
  });
});
