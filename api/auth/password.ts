import { hash, verify } from '@node-rs/argon2';

/**
 * OWASP Password Storage Cheat Sheet: Argon2id, m=19 MiB, t=2, p=1.
 * @node-rs/argon2 defaults to Argon2id; the parameters are spelled out so a change is deliberate.
 */
const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

export const hashPassword = (password: string) => hash(password, OPTIONS);

/**
 * Accounts without a usable password (imported ones waiting for their set-up link: `!imported:…`;
 * erased ones: `!erased`) are checked against the dummy hash, so a failed login costs the same Argon2
 * work for them as for any other account and timing does not tell them apart (ASVS 5.0 6.3.8).
 */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  const usable = passwordHash.startsWith('$argon2');
  try {
    const ok = await verify(usable ? passwordHash : await dummyHash(), password);
    return usable && ok;
  } catch {
    return false;
  }
}

/** A valid hash of a random password: verified against when the account does not exist, so timing does not reveal it. */
let dummy: Promise<string> | undefined;
export const dummyHash = () => (dummy ??= hashPassword(crypto.randomUUID()));
