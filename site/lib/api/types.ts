/**
 * Types of the API's answers and bodies, from the generated `schema.d.ts` (scripts/api-types.ts).
 * Type-only: importing them costs a page no JavaScript.
 */
import type { components, paths } from './schema.d.ts';

export type { components, paths };
/** Named response schemas (`components/schemas` of /api/openapi.json). */
export type Schemas = components['schemas'];
export type ApiError = Schemas['Error'];
export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
/** The paths that answer `M`. */
export type PathsWith<M extends Method> = {
  [P in keyof paths]: paths[P][M] extends { responses: unknown } ? P : never;
}[keyof paths];
type Op<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;
/** The JSON body of an operation's success answer (200, 201 or 202). */
export type Answer<P extends keyof paths, M extends Method> =
  Op<P, M> extends { responses: infer R } ? JsonOf<R[Extract<keyof R, 200 | 201 | 202>]> : never;
/** The JSON request body of an operation. */
export type Body<P extends keyof paths, M extends Method> =
  Op<P, M> extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;
/** The path parameters of an operation. */
export type PathParams<P extends keyof paths, M extends Method> =
  Op<P, M> extends { parameters: { path: infer X } } ? X : never;
