/**
 * Sessions after Lucia's published design (lucia-auth.com/sessions/basic): a 20-byte random token
 * (base32) goes to the browser; only its SHA-256 is stored; 30-day expiry, renewed when less than 15
 * days are left (sliding); deleted on logout and on password change.
 */
import { createHash } from 'node:crypto';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import type { DB } from '../../db/connection.ts';
import { sessionsRepo, type SessionWithUser } from '../../db/repos/sessions.ts';
import type { Role } from '../../db/schema.ts';
import type { SessionCache } from './session-cache.ts';

const DAY = 24 * 60 * 60 * 1000;
export const SESSION_TTL = 30 * DAY;
export const SESSION_RENEW_BEFORE = 15 * DAY;
export const SESSION_COOKIE = 'oberih_session';

export interface SessionUser {
  id: number;
  email: string;
  full_name: string;
  role: Role;
  locale: 'uk' | 'en';
}

/** 160 bits of randomness (the design asks for at least 128). */
export function generateToken(bytes = 20): string {
  const buf = new Uint8Array(bytes);
  crypto.getRandomValues(buf);
  return encodeBase32LowerCaseNoPadding(buf);
}

/** SHA-256 of the token's UTF-8 bytes, lower-case hex (what is stored; also used for reset tokens). */
export const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

const TOKEN = /^[a-z2-7]{16,64}$/;

const sessionUser = (row: SessionWithUser): SessionUser => ({
  id: row.id,
  email: row.email,
  full_name: row.full_name,
  role: row.role,
  locale: row.locale as 'uk' | 'en',
});

/**
 * Session operations over `db`. With `cache` (the server's, see session-cache.ts), `validate`
 * answers from memory while the session is far from its expiry and reads synchronously otherwise.
 */
export function sessions(db: DB, now: () => Date = () => new Date(), cache?: SessionCache) {
  const repo = sessionsRepo(db);
  return {
    async create(userId: number): Promise<{ token: string; expiresAt: Date }> {
      const token = generateToken();
      const expiresAt = new Date(now().getTime() + SESSION_TTL);
      await repo.create({
        id: hashToken(token),
        user_id: userId,
        expires_at: expiresAt.toISOString(),
        created_at: now().toISOString(),
      });
      return { token, expiresAt };
    },
    /** The user behind a token, renewing the expiry when it is getting close; null when invalid or expired. */
    async validate(
      token: string,
    ): Promise<{ user: SessionUser; sessionId: string; expiresAt: Date; renewed: boolean } | null> {
      if (!TOKEN.test(token)) return null;
      const id = hashToken(token);
      const t = now().getTime();
      const hit = cache?.get(id);
      // A hit is used only while no renewal is due (which also means it has not expired).
      if (hit && hit.expiresAt - t >= SESSION_RENEW_BEFORE)
        return { user: hit.user, sessionId: id, expiresAt: new Date(hit.expiresAt), renewed: false };
      const row = cache ? cache.lookup(id) : await repo.withUser(id);
      if (!row) return null;
      let expiresAt = new Date(row.expires_at);
      if (t >= expiresAt.getTime() || !row.active) {
        await repo.delete(id);
        return null;
      }
      const user = sessionUser(row);
      if (expiresAt.getTime() - t < SESSION_RENEW_BEFORE) {
        expiresAt = new Date(t + SESSION_TTL);
        await repo.extend(id, expiresAt.toISOString());
        // Not cached here: the next request reads the renewed row (and caches it) without yielding in between.
        return { user, sessionId: id, expiresAt, renewed: true };
      }
      // Cached in the same synchronous run as the read (see session-cache.ts).
      cache?.set(id, user, expiresAt.getTime());
      return { user, sessionId: id, expiresAt, renewed: false };
    },
    invalidate: (sessionId: string) => repo.delete(sessionId),
    invalidateAllFor: (userId: number, except?: string) => repo.deleteForUser(userId, except),
  };
}
