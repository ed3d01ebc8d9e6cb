/**
 * The keyed hash behind an attempt's public ids (courses/attempt-ids.ts): HMAC-SHA-256 with a fresh
 * random key per attempt, cut to 10 base64url characters (60 bits). The key is never stored: the
 * stored draw keeps the resulting map, so ids of one attempt say nothing about another's.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { IdMask } from '../courses/attempt-ids.ts';

export function attemptMask(key: Uint8Array = randomBytes(32)): IdMask {
  return (kind, questionId, authoredId) =>
    createHmac('sha256', key).update(`${kind}\0${questionId}\0${authoredId}`).digest('base64url').slice(0, 10);
}
