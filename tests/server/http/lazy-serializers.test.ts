import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { lazySerializers } from '../../../server/http/lazy-serializers.js';

describe('response serialisers compiled on first use', () => {
  it('each route answers through its own schema, leaving out what the schema does not list', async () => {
    const app = Fastify({ schemaController: { compilersFactory: { buildSerializer: lazySerializers } } });
    const only = (field: string) => ({ response: { 200: { type: 'object', properties: { [field]: { type: 'string' } } } } });
    app.get('/a', { schema: only('a') }, async () => ({ a: 'one', secret: 'kept back' }));
    app.get('/b', { schema: only('b') }, async () => ({ a: 'not b', b: 'two' }));
    await app.ready();
    for (let round = 0; round < 2; round++) {
      expect((await app.inject('/a')).json()).toEqual({ a: 'one' });
      expect((await app.inject('/b')).json()).toEqual({ b: 'two' });
    }
    await app.close();
  });
});
