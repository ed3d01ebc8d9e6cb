/**
 * Sessions after Lucia's published design (lucia-auth.com/sessions/basic): a 20-byte random token
 * (base32) goes to the browser; only its SHA-256 is stored; deleted on logout and on password change.
 *
 * Lifetimes (ASVS 5.0 7.3.1, 7.3.2): every session ends 30 days after sign-in, used or not (absolute).
 * Staff sessions (instructors, admins) also end after 12 hours without use (idle): their expiry is
 * moved to 12 h ahead when less than 11 h are left, so the idle timeout is between 11 and 12 h and a
 * busy session costs at most one write an hour. Learners keep the 30 days: they study on shared
 * phones less than staff handle other people's data.
 */
import { createHash } from 'node:crypto';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import type { DB } from '../../db/connection.ts';
import { sessionsRepo, type SessionWithUser } from '../../db/repos/sessions.ts';
import type { Role } from '../../db/schema.ts';
import type { SessionCachePort } from '../../db/storage.ts';

const DAY = 24 * 60 * 60 * 1000;
const HOUR = 60 * 60 * 1000;
/** Absolute lifetime: from sign-in, whatever happens. */
export const SESSION_TTL = 30 * DAY;
/** Idle timeout of staff sessions. */
export const STAFF_IDLE = 12 * HOUR;
/** A staff session's expiry is moved forward when less than this is left. */
export const STAFF_RENEW_BEFORE = 11 * HOUR;
/** How recent a password (or second factor) must be for dangerous actions (ASVS 5.0 7.5.3). */
export const REAUTH_WINDOW = 10 * 60 * 1000;

const STAFF: readonly Role[] = ['instructor', 'admin'];
export const isStaff = (role: Role) => STAFF.includes(role);

/** The expiry a session of `role` signed in at `createdAt` should have when used at `t`. */
export function expiryFor(role: Role, createdAt: number, t: number): number {
  const absolute = createdAt + SESSION_TTL;
  return isStaff(role) ? Math.min(t + STAFF_IDLE, absolute) : absolute;
}
export const SESSION_COOKIE = 'oberih_session';
/**
 * The cookie's name in production: the `__Host-` prefix makes browsers accept it only with Secure,
 * Path=/ and no Domain, so a sibling subdomain or a plain-HTTP response cannot plant or overwrite it
 * (RFC 6265bis 4.1.3.2; ASVS 5.0 3.3.1).
 */
export const SESSION_COOKIE_PRODUCTION = '__Host-oberih_session';
export const sessionCookieName = (config: { production: boolean }) =>
  config.production ? SESSION_COOKIE_PRODUCTION : SESSION_COOKIE;

export interface SessionUser {
  id: number;
  email: string;
  full_name: string;
  role: Role;
  locale: 'uk' | 'en';
  /** The account has a second factor (TOTP) switched on. */
  mfa: boolean;
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
  mfa: !!row.totp_enabled_at,
});

/**
 * Session operations over `db`. With `cache` (db/sqlite/session-cache.ts, db/postgres/session-cache.ts), `validate`
 * answers from memory while the session is far from its expiry, and reads the database otherwise.
 */
export function sessions(db: DB, now: () => Date = () => new Date(), cache?: SessionCachePort<SessionUser> | null) {
  const repo = sessionsRepo(db);
  return {
    async create(userId: number, role: Role): Promise<{ token: string; expiresAt: Date }> {
      const token = generateToken();
      const expiresAt = new Date(expiryFor(role, now().getTime(), now().getTime()));
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
      if (hit && hit.expiresAt - t > (isStaff(hit.user.role) ? STAFF_RENEW_BEFORE : 0))
        return { user: hit.user, sessionId: id, expiresAt: new Date(hit.expiresAt), renewed: false };
      // SQLite's look-up is synchronous: no await, so nothing runs between the read and the caching.
      const generation = cache?.readGeneration?.();
      const got = cache ? cache.lookup(id) : repo.withUser(id);
      const row = got instanceof Promise ? await got : got;
      if (!row) return null;
      const expiresAt = Date.parse(row.expires_at);
      const target = expiryFor(row.role, Date.parse(row.session_created_at), t);
      if (t >= expiresAt || t >= target || !row.active) {
        await repo.delete(id);
        return null;
      }
      const user = sessionUser(row);
      // Renew a staff session that is getting close to its idle end; shorten one that is longer than its
      // role allows now (a learner made instructor, a session from before these limits).
      const renew = isStaff(row.role) ? expiresAt - t < STAFF_RENEW_BEFORE && target > expiresAt : false;
      if (renew || expiresAt > target) {
        await repo.extend(id, new Date(target).toISOString());
        // Not cached here: the next request reads the renewed row (and caches it) without yielding in between.
        return { user, sessionId: id, expiresAt: new Date(target), renewed: true };
      }
      // Cached in the same synchronous run as the read (see db/sqlite/session-cache.ts).
      cache?.set(id, user, expiresAt, generation);
      return { user, sessionId: id, expiresAt: new Date(expiresAt), renewed: false };
    },
    /** True when the session proved its password within the last REAUTH_WINDOW. */
    async isFresh(sessionId: string): Promise<boolean> {
      const at = await repo.reauthAt(sessionId);
      return !!at && now().getTime() - Date.parse(at) <= REAUTH_WINDOW;
    },
    markFresh: (sessionId: string) => repo.markReauth(sessionId, now().toISOString()),
    invalidate: (sessionId: string) => repo.delete(sessionId),
    invalidateAllFor: (userId: number, except?: string) => repo.deleteForUser(userId, except),
  };
}
