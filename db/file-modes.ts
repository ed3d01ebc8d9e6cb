/**
 * File modes of the data folder (ASVS 5.0 13.x/14.x: protect stored sensitive data): the database
 * holds personal data and password hashes, the key signs certificates. The folder is 0700 and every
 * file in it (database, -wal, -shm, backups, signing key) 0600, whatever the umask was when they were
 * created; the server also sets umask 077 so files it creates later start that way.
 */
import fs from 'node:fs';
import path from 'node:path';

export const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;

/** Create `dir` (0700) if needed and tighten it and everything in it, one level of subfolders deep (backups/). */
export function secureDataDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  tighten(dir, 1);
}

function tighten(dir: string, depth: number) {
  fs.chmodSync(dir, DIR_MODE);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (depth > 0) tighten(p, depth - 1);
    } else if (entry.isFile()) fs.chmodSync(p, FILE_MODE);
  }
}
