import { Type, type TSchema } from '@sinclair/typebox';

/** The one error shape every API failure has. */
export const ErrorSchema = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  }),
});

/** Response schemas for the errors a route can answer with, beside its success schema. */
export function withErrors<T extends Record<number, TSchema>, const S extends readonly number[]>(ok: T, ...statuses: S) {
  const errors = Object.fromEntries(statuses.map((s) => [s, ErrorSchema]));
  return { ...ok, ...errors } as T & { [K in S[number]]: typeof ErrorSchema };
}

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export const Paginated = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });
