/**
 * Reading a members CSV for a cohort: detects the delimiter (comma, semicolon or tab), accepts a
 * UTF-8 BOM or none, maps header names in English or Ukrainian, and says per row what is wrong.
 * Pure (no database): the route adds the checks that need the database (already in the cohort, an
 * existing account that is not a learner) and writes nothing unless the instructor confirms.
 */
import { parse } from 'csv-parse/sync';
import type { LearnerRole } from '../../db/schema.ts';
import { AppError } from '../errors.ts';
import { emailField, nameField } from './fields.ts';

export const MAX_IMPORT_ROWS = 10_000;
const DELIMITERS = [',', ';', '\t'] as const;

export type RejectCode =
  | 'missing_value'
  | 'invalid_email'
  | 'invalid_name'
  | 'duplicate_in_file'
  | 'role_not_allowed'
  | 'already_in_cohort'
  | 'not_a_learner_account'
  | 'account_deactivated';

export interface ParsedRow {
  line: number;
  full_name: string;
  email: string;
  role: LearnerRole;
}
export interface RejectedRow {
  line: number;
  full_name: string;
  email: string;
  code: RejectCode;
  reason: string;
}

/** Header names we understand, compared without case, spaces, punctuation or apostrophes. */
const ALIASES: Record<'full_name' | 'email' | 'role', string[]> = {
  full_name: [
    'fullname',
    'name',
    'learner',
    'піб',
    'імя',
    'прізвищеімя',
    'прізвищеімяпобатькові',
    'імяпрізвище',
    'повнеімя',
  ],
  email: ['email', 'emailaddress', 'mail', 'електроннапошта', 'елпошта', 'пошта', 'емейл', 'імейл'],
  role: ['role', 'роль'],
};
const ROLE_NAMES: Record<string, LearnerRole> = {
  cadet: 'cadet',
  officer: 'officer',
  specialist: 'specialist',
  фахівець: 'specialist',
  фахівчиня: 'specialist',
  спеціаліст: 'specialist',
  спеціалістка: 'specialist',
  курсант: 'cadet',
  курсантка: 'cadet',
  поліцейський: 'officer',
  поліцейська: 'officer',
  офіцер: 'officer',
};

const normHeader = (h: string) =>
  h
    .replace(/[ʼ'’`]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');

/** The delimiter that splits the header line into the most fields (quotes respected). */
export function detectDelimiter(text: string): string {
  const header =
    text
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)
      .find((l) => l.trim() !== '') ?? '';
  const count = (d: string) => {
    let n = 0;
    let quoted = false;
    for (const ch of header) {
      if (ch === '"') quoted = !quoted;
      else if (ch === d && !quoted) n++;
    }
    return n;
  };
  return [...DELIMITERS].sort((a, b) => count(b) - count(a))[0]!;
}

const fail = (message: string) => new AppError(400, 'validation_failed', message, { csv: message });

/** Parse the CSV into valid rows and rejected rows. File-level problems (no header, missing columns, too many rows, broken quoting) throw a 400. */
export function readMembersCsv(text: string): { delimiter: string; rows: ParsedRow[]; rejected: RejectedRow[] } {
  const delimiter = detectDelimiter(text);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      delimiter,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
    }) as unknown as typeof records;
  } catch (e) {
    throw fail(`the file is not valid CSV: ${(e as Error).message.slice(0, 200)}`);
  }
  if (records.length === 0)
    throw fail('the file is empty: expected a header row (full_name, email, role) and one row per learner');
  const header = records[0]!.record.map(normHeader);
  const col = (k: keyof typeof ALIASES) => header.findIndex((h) => ALIASES[k].includes(h));
  const idx = { full_name: col('full_name'), email: col('email'), role: col('role') };
  const missing = (['full_name', 'email'] as const).filter((k) => idx[k] < 0);
  if (missing.length) {
    const found = records[0]!.record.map((h) => `"${h.slice(0, 60)}"`).join(', ');
    const hint =
      records[0]!.record.length === 1
        ? ' The header has a single column: separate columns with a comma, a semicolon or a tab.'
        : '';
    throw fail(
      `missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} in the header row (found ${found}).${hint}`,
    );
  }
  const data = records.slice(1);
  if (data.length > MAX_IMPORT_ROWS)
    throw fail(
      `the file has ${data.length.toLocaleString('en')} rows; at most ${MAX_IMPORT_ROWS.toLocaleString('en')} can be imported at once: split it into smaller files`,
    );

  const rows: ParsedRow[] = [];
  const rejected: RejectedRow[] = [];
  const firstLine = new Map<string, number>();
  for (const { record, info } of data) {
    const line = info.lines;
    const cell = (i: number) => (i >= 0 ? (record[i] ?? '') : '');
    const full_name = cell(idx.full_name);
    const rawEmail = cell(idx.email);
    const rawRole = cell(idx.role).toLowerCase();
    const reject = (code: RejectCode, reason: string) =>
      rejected.push({ line, full_name, email: rawEmail, code, reason });
    if (!full_name || !rawEmail) {
      reject(
        'missing_value',
        `missing ${[!full_name && 'full_name', !rawEmail && 'email'].filter(Boolean).join(' and ')}${record.length < header.length ? ` (the row has ${record.length} of ${header.length} columns)` : ''}`,
      );
      continue;
    }
    const name = nameField.safeParse(full_name);
    if (!name.success) {
      reject('invalid_name', `full_name: ${name.error.issues[0]!.message}`);
      continue;
    }
    const email = emailField.safeParse(rawEmail);
    if (!email.success) {
      reject('invalid_email', `"${rawEmail.slice(0, 80)}" is not a valid email address`);
      continue;
    }
    const role = rawRole === '' ? 'cadet' : ROLE_NAMES[rawRole];
    if (!role) {
      reject(
        'role_not_allowed',
        `role "${rawRole.slice(0, 40)}" cannot be imported: use cadet, officer or specialist (staff accounts are created by an admin)`,
      );
      continue;
    }
    const seen = firstLine.get(email.data);
    if (seen !== undefined) {
      reject('duplicate_in_file', `duplicate of line ${seen}`);
      continue;
    }
    firstLine.set(email.data, line);
    rows.push({ line, full_name: name.data, email: email.data, role });
  }
  return { delimiter, rows, rejected };
}
