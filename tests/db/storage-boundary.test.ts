/**
 * The storage boundary (docs/architecture.md): no route, middleware or course code names a database
 * driver; engine code lives in db/sqlite/ and db/postgres/ only.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p) : /\.(ts|mts|js|mjs|svelte)$/.test(e.name) ? [p] : [];
  });
}

/** Module specifiers a file imports (static, dynamic, require and re-exports). */
function imports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const out: string[] = [];
  const re = /(?:from\s+|import\s*\(\s*|require\s*\(\s*|import\s+)['"]([^'"]+)['"]/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m[1]!);
  return out;
}

const DRIVERS = /^(better-sqlite3|pg|pg-pool|pg-native|postgres)(\/|$)/;

describe('storage boundary', () => {
  it('nothing under api/, courses/ or site/ imports better-sqlite3 or pg', () => {
    const offenders = ['api', 'courses', 'site'].flatMap(files).flatMap((f) =>
      imports(f)
        .filter((s) => DRIVERS.test(s))
        .map((s) => `${f}: ${s}`),
    );
    expect(offenders).toEqual([]);
  });

  it('repositories do not import a driver either (they go through Kysely and the storage port)', () => {
    const offenders = files('db/repos').flatMap((f) =>
      imports(f)
        .filter((s) => DRIVERS.test(s))
        .map((s) => `${f}: ${s}`),
    );
    expect(offenders).toEqual([]);
  });

  it('routes build no queries: every read and write goes through a repository (db/repos/)', () => {
    const QUERY = /\.(selectFrom|insertInto|updateTable|deleteFrom)\(/; // (a transaction around repository calls is fine)
    const offenders = [...files('api/routes'), 'api/access.ts'].flatMap((f) =>
      fs
        .readFileSync(f, 'utf8')
        .split('\n')
        .flatMap((line, i) => (QUERY.test(line) ? [`${f}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(offenders).toEqual([]);
  });

  it('the check itself sees an import when there is one', () => {
    expect(imports('db/sqlite/connection.ts')).toContain('better-sqlite3');
    expect(imports('db/postgres/connection.ts')).toContain('pg');
  });
});
