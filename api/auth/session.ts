/**
 * Sessions after Lucia's published design (lucia-auth.com/sessions/basic): a 20-byte random token
 * (base32) goes to the browser; only its SHA-256 is stored; 30-day expiry, renewed when less than 15
 * days are left (sliding); deleted on logout and on password change.
 */
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import type { DB } from '../../db/connection.ts';
import { sessionsRepo } from '../../db/repos/sessions.ts';
import type { Role } from '../../db/schema.ts';

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

export const hashToken = (token: string) => encodeHexLowerCase(sha256(new TextEncoder().encode(token)));

export function sessions(db: DB, now: () => Date = () => new Date()) {
  const repo = sessionsRepo(db);
  return {
    async create(userId: number): Promise<{ token: string; expiresAt: Date }> {
      const token = generateToken();
      const expiresAt = new Date(now().getTime() + SESSION_TTL);
      await repo.create({ id: hashToken(token), user_id: userId, expires_at: expiresAt.toISOString(), created_at: now().toISOString() });
      return { token, expiresAt };
    },
    /** The user behind a token, renewing the expiry when it is getting close; null when invalid or expired. */
    async validate(token: string): Promise<{ user: SessionUser; sessionId: string; expiresAt: Date; renewed: boolean } | null> {
      if (!/^[a-z2-7]{16,64}$/.test(token)) return null;
      const id = hashToken(token);
      const row = await repo.withUser(id);
      if (!row) return null;
      const t = now().getTime();
      let expiresAt = new Date(row.expires_at);
      if (t >= expiresAt.getTime() || !row.active) {
        await repo.delete(id);
        return null;
      }
      let renewed = false;
      if (expiresAt.getTime() - t < SESSION_RENEW_BEFORE) {
        expiresAt = new Date(t + SESSION_TTL);
        await repo.extend(id, expiresAt.toISOString());
        renewed = true;
      }
      const { id: userId, email, full_name, role, locale } = row;
      return { user: { id: userId, email, full_name, role, locale: locale as 'uk' | 'en' }, sessionId: id, expiresAt, renewed };
    },
    invalidate: (sessionId: string) => repo.delete(sessionId),
    invalidateAllFor: (userId: number, except?: string) => repo.deleteForUser(userId, except),
  };
}
