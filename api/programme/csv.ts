/** A programme table as CSV: UTF-8 with a BOM (Excel opens Cyrillic correctly), headers in the chosen language. */
import { stringify } from 'csv-stringify/sync';
import { METRICS, type Metric } from './cube.ts';
import type { ProgrammeView, Row, TableName } from './view.ts';

export const METRIC_LABELS: Record<Metric, { uk: string; en: string }> = {
  enrolled: { uk: 'Зараховано', en: 'Enrolled' },
  active: { uk: 'Активні (30 днів)', en: 'Active (30 days)' },
  completed: { uk: 'Завершили', en: 'Completed' },
  certified: { uk: 'Мають чинний сертифікат', en: 'Certified' },
  overdue: { uk: 'Прострочили термін', en: 'Overdue' },
  expiring: { uk: 'Сертифікат спливає (60 днів)', en: 'Certificate expiring (60 days)' },
  assessed: { uk: 'Склали підсумковий тест', en: 'Took the final' },
  passed: { uk: 'Склали успішно', en: 'Passed' },
};

/** The metrics a table shows (the rest of its cells are null). */
export function tableMetrics(rows: readonly Row[]): Metric[] {
  return METRICS.filter((m) => rows.some((r) => r.values[m] !== null));
}

export function tableCsv(view: ProgrammeView, table: TableName, locale: 'uk' | 'en'): string {
  const rows = view.tables[table];
  const metrics = tableMetrics(rows);
  const extra = table === 'assessment';
  const header = [
    locale === 'uk' ? 'Рядок' : 'Row',
    ...metrics.map((m) => METRIC_LABELS[m][locale]),
    ...(extra
      ? [locale === 'uk' ? 'Частка успішних, %' : 'Pass rate, %', locale === 'uk' ? 'Середній бал' : 'Mean score']
      : []),
  ];
  const body = rows.map((r) => [
    safe(r.label[locale]),
    ...metrics.map((m) => String(r.values[m])),
    ...(extra ? [r.pass_rate ?? '', r.mean_score ?? ''] : []),
  ]);
  return stringify([header, ...body], { bom: true, record_delimiter: '\r\n' });
}

/** A label an admin typed must not run as a spreadsheet formula (OWASP CSV injection). */
const safe = (s: string) => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);
