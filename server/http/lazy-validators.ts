import { AjvCompiler } from '@fastify/ajv-compiler';

type ValidatorFactory = ReturnType<typeof AjvCompiler>;
type Validator = ReturnType<ReturnType<ValidatorFactory>>;

/**
 * Fastify's request validators (Ajv), each compiled on its route's first request instead of at
 * start-up, as the response serialisers are (lazy-serializers.ts): most routes are never called in
 * a process's life, and each compiled validator keeps its generated source and code in the heap.
 * The schemas are still checked at start by the OpenAPI document and the tests.
 *
 * Fastify reads `schemaEnv` before a call (to let Ajv coerce or default the request part itself)
 * and `errors` after a failed one: both read through to the compiled validator. A route given its
 * own validatorCompiler is not affected. Being a custom factory, header schemas would reach Ajv as
 * written rather than lower-cased: no route validates headers.
 */
export function lazyValidators(): ValidatorFactory {
  // One pool per app, as Fastify's own: scopes with the same shared schemas share an Ajv instance.
  const pool = AjvCompiler();
  return (externalSchemas, options) => {
    const compile = pool(externalSchemas, options);
    return (route) => {
      let validator: Validator | undefined;
      const compiled = () => (validator ??= compile(route));
      const validate = function (this: unknown, ...args: Parameters<Validator>) {
        return compiled().apply(this, args);
      };
      return Object.defineProperties(validate, {
        errors: { get: () => compiled().errors },
        schemaEnv: { get: () => compiled().schemaEnv },
        schema: { get: () => compiled().schema },
      }) as Validator;
    };
  };
}
