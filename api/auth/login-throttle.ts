/**
 * Login throttling (ASVS 5.0 6.3.1; OWASP Authentication Cheat Sheet, "Login Throttling").
 *
 * Three counters of failed sign-ins, each over 15 minutes:
 * - per (account, address), tight: one person guessing at one account from one place;
 * - per account, looser: guesses at one account spread over many addresses;
 * - per address, loose: one address trying many accounts (credential stuffing).
 * A police unit or a classroom of 300 behind one NAT address shares the per-address counter, so it
 * is high and is fed only by failures that reached the password check: one person hammering one
 * account is stopped by the pair counter after 5 and adds no more than 5 to the address's count,
 * while the others' correct passwords keep working.
 *
 * A slot is taken in all three counters synchronously, before the first `await` (the Argon2 check
 * runs on the thread pool, a real gap in which other requests run), and given back when the password
 * was right. So requests in flight together are counted together: a burst of 500 guesses gets at most
 * the limit through to Argon2. Concurrent checks per account are also capped.
 */
import { addressKey, RateLimiter } from '../middleware/rate-limit.ts';

const WINDOW = 15 * 60 * 1000;

export const LOGIN_LIMITS = {
  /** Failed sign-ins per account from one address. */
  perPair: 5,
  /** Failed sign-ins per account from all addresses together. */
  perAccount: 10,
  /** Failed sign-ins from one address (a /64 for IPv6) at all accounts together. */
  perAddress: 100,
  /** Password checks of one account running at the same time. */
  inFlightPerAccount: 2,
} as const;

export type LoginTicket = { ok: true; done(success: boolean): void } | { ok: false; retryAfter: number };

export class LoginThrottle {
  readonly pair: RateLimiter;
  readonly account: RateLimiter;
  readonly address: RateLimiter;
  private inFlight = new Map<string, number>();

  constructor(now: () => number = Date.now) {
    this.pair = new RateLimiter(LOGIN_LIMITS.perPair, WINDOW, now);
    this.account = new RateLimiter(LOGIN_LIMITS.perAccount, WINDOW, now);
    this.address = new RateLimiter(LOGIN_LIMITS.perAddress, WINDOW, now);
  }

  /**
   * Reserve a password check for `email` from `ip`, synchronously. When refused, nothing is counted.
   * When granted, call `done(success)` exactly once after the check.
   */
  begin(email: string, ip: string): LoginTicket {
    const addr = addressKey(ip);
    const pairKey = `${email}\n${addr}`;
    const wait = Math.max(this.pair.retryAfter(pairKey), this.account.retryAfter(email), this.address.retryAfter(addr));
    const running = this.inFlight.get(email) ?? 0;
    if (wait > 0 || running >= LOGIN_LIMITS.inFlightPerAccount) return { ok: false, retryAfter: Math.max(1, wait) };
    this.pair.hit(pairKey);
    this.account.hit(email);
    this.address.hit(addr);
    this.inFlight.set(email, running + 1);
    let finished = false;
    return {
      ok: true,
      done: (success) => {
        if (finished) return;
        finished = true;
        const left = (this.inFlight.get(email) ?? 1) - 1;
        if (left > 0) this.inFlight.set(email, left);
        else this.inFlight.delete(email);
        if (success) {
          // The right password: this was no guess. The pair starts afresh; the shared counters get their slot back.
          this.pair.reset(pairKey);
          this.account.release(email);
          this.address.release(addr);
        }
      },
    };
  }
}
