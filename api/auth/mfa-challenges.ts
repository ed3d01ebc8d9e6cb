/**
 * Sign-ins waiting for their second factor: the password was right, the session is not made until a
 * TOTP or recovery code follows. In memory (the server is one process), five minutes, bounded.
 */
import { generateToken, hashToken } from './session.ts';

const TTL_MS = 5 * 60 * 1000;
const MAX = 10_000;

export class MfaChallenges {
  private pending = new Map<string, { userId: number; expires: number }>();
  constructor(private now: () => number = Date.now) {}

  /** A new challenge token for `userId`. */
  create(userId: number): string {
    const token = generateToken();
    if (this.pending.size >= MAX) {
      const t = this.now();
      for (const [k, v] of this.pending) if (v.expires <= t) this.pending.delete(k);
      // Still full: the oldest goes (insertion order).
      if (this.pending.size >= MAX) this.pending.delete(this.pending.keys().next().value!);
    }
    this.pending.set(hashToken(token), { userId, expires: this.now() + TTL_MS });
    return token;
  }

  /** The user of a live challenge, or null. */
  userOf(token: string): number | null {
    const key = hashToken(token);
    const c = this.pending.get(key);
    if (!c) return null;
    if (c.expires <= this.now()) {
      this.pending.delete(key);
      return null;
    }
    return c.userId;
  }

  /** Used up (the sign-in completed). */
  finish(token: string) {
    this.pending.delete(hashToken(token));
  }
}
