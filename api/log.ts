/** Structured JSON-lines logs. Callers pass only non-secret fields: never passwords, tokens or answer keys. */
export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const SECRET_KEYS = /pass(word)?|token|secret|cookie|authorization|code_hash|answer/i;

function scrub(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = SECRET_KEYS.test(k) ? '[redacted]' : v;
  return out;
}

export function jsonLogger(
  write: (line: string) => void = (l) => process.stdout.write(l + '\n'),
  level: 'info' | 'warn' | 'error' | 'silent' = 'info',
): Logger {
  const order = { info: 0, warn: 1, error: 2, silent: 3 };
  const emit = (lvl: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown> = {}) => {
    if (order[lvl] < order[level]) return;
    write(JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...scrub(fields) }));
  };
  return {
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
