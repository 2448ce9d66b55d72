import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

type SerializerFactory = ReturnType<typeof SerializerSelector>;

/**
 * Fastify's response serialisers, each compiled on its route's first response instead of at
 * start-up: most of the ~190 routes' schemas are never answered in a process's life (admin pages,
 * exports), and each compiled serialiser keeps its generated source and code in the heap.
 * The schemas themselves are still checked at start by the OpenAPI document and the tests.
 */
export const lazySerializers: SerializerFactory = (externalSchemas, options) => {
  const compile = SerializerSelector()(externalSchemas, options);
  return (route) => {
    let serialize: ((doc: unknown) => string) | undefined;
    return (doc: unknown) => (serialize ??= compile(route))(doc);
  };
};
