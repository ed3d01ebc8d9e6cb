/** Database errors the application answers on purpose, recognised the same way on both engines. */

/** A unique or primary-key constraint refused the write (SQLite: SQLITE_CONSTRAINT_UNIQUE/PRIMARYKEY; PostgreSQL: 23505). */
export function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return true;
  return e instanceof Error && /UNIQUE constraint failed/.test(e.message);
}
