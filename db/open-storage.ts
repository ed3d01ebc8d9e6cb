/** Choose the engine from configuration: PostgreSQL when a postgres:// URL is given, else the SQLite file. */
import { isPostgresUrl } from './postgres/connection.ts';
import { openPostgresStorage } from './postgres/storage.ts';
import { openSqliteStorage } from './sqlite/storage.ts';
import type { Storage } from './storage.ts';

export interface StorageConfig {
  dbFile: string;
  databaseUrl?: string;
  databaseReadUrl?: string;
  databasePoolMax?: number;
  databaseStatementTimeoutMs?: number;
  /** PostgreSQL: keep the session cache (`DATABASE_SESSION_CACHE`, default on). */
  databaseSessionCache?: boolean;
  synchronous?: 'FULL' | 'NORMAL';
  groupCommitMs?: number;
  backgroundCheckpoint?: boolean;
}

export function openStorage(c: StorageConfig): Storage {
  if (c.databaseUrl) {
    if (!isPostgresUrl(c.databaseUrl)) throw new Error('DATABASE_URL must start with postgres:// or postgresql://');
    if (c.databaseReadUrl && !isPostgresUrl(c.databaseReadUrl))
      throw new Error('DATABASE_READ_URL must start with postgres:// or postgresql://');
    return openPostgresStorage({
      url: c.databaseUrl,
      readUrl: c.databaseReadUrl || undefined,
      max: c.databasePoolMax,
      statementTimeoutMs: c.databaseStatementTimeoutMs,
      sessionCache: c.databaseSessionCache,
    });
  }
  return openSqliteStorage({
    file: c.dbFile,
    synchronous: c.synchronous,
    groupCommitMs: c.groupCommitMs,
    backgroundCheckpoint: c.backgroundCheckpoint,
  });
}
