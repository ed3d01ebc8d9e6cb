/** The oblast list, read once from `content/data/oblasts.yaml` (validated by courses/oblasts.ts). */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OBLASTS_FILE, parseOblasts, type Oblast, type OblastsFile } from '../../courses/oblasts.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let cached: OblastsFile | undefined;

export function oblasts(): OblastsFile {
  return (cached ??= parseOblasts(fs.readFileSync(path.join(ROOT, OBLASTS_FILE), 'utf8')));
}

export function oblastByCode(code: string): Oblast | undefined {
  return oblasts().oblasts.find((o) => o.code === code);
}
