/**
 * The typed API client for the site's islands: openapi-fetch over the types generated from the
 * API's own route declarations (site/lib/api/schema.d.ts), so a changed answer breaks the type-check,
 * not a user's page. Same origin, with the session cookie. There is no CSRF token to send: the API
 * checks the Origin header, which browsers add to every state-changing request.
 * Module pages, which must stay small, use the thinner `fetch-json.ts` with the same types.
 */
import createClient from 'openapi-fetch';
import type { paths } from './schema.d.ts';

export const api = createClient<paths>({ credentials: 'same-origin' });
export type { Answer, Body, Schemas } from './types.ts';
