/** A programme table as CSV: UTF-8 with a BOM (Excel opens Cyrillic correctly), headers in the chosen language. */
import { stringify } from 'csv-stringify/sync';
import { METRICS, type Metric } from './cube.ts';
import type { EvaluationSummary } from './evaluation.ts';
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

const EVAL_TEXT = {
  uk: {
    header: [
      'Курс',
      'Рівень',
      'Група',
      'Показник',
      'n',
      'Частка відповідей, %',
      'Значення',
      '95 % ДІ, від',
      '95 % ДІ, до',
    ],
    gain: 'Знання (пре-тест → підсумковий тест)',
    reaction: 'Реакція (шкала 1–5)',
    followUp: 'Застосування на роботі',
    pre: 'Середній бал пре-тесту',
    post: 'Середній бал підсумкового тесту',
    meanGain: 'Середній приріст, в. п.',
    dz: 'Cohen d_z',
    improved: 'Покращили результат, %',
    usage: { never: 'ніколи, %', once: 'один раз, %', several: 'кілька разів, %' },
  },
  en: {
    header: ['Course', 'Level', 'Group', 'Figure', 'n', 'Response rate, %', 'Value', '95 % CI, low', '95 % CI, high'],
    gain: 'Knowledge (pre-test → final)',
    reaction: 'Reaction (scale 1–5)',
    followUp: 'Use at work',
    pre: 'Mean pre-test score',
    post: 'Mean final score',
    meanGain: 'Mean gain, pp',
    dz: "Cohen's d_z",
    improved: 'Improved, %',
    usage: { never: 'never, %', once: 'once, %', several: 'several times, %' },
  },
};

const pct = (x: number | null) => (x === null ? '' : String(Math.round(x * 1000) / 10));
const num = (x: number | null | undefined) => (x === null || x === undefined ? '' : String(x));

/** The evaluation figures as one long CSV: a row per course, level, group and figure ("<5" where hidden). */
export function evaluationCsv(summary: EvaluationSummary | null, locale: 'uk' | 'en'): string {
  const t = EVAL_TEXT[locale];
  const rows: string[][] = [t.header];
  for (const c of summary?.courses ?? []) {
    const course = safe(c.course.title[locale]);
    for (const g of c.gain) {
      const head = [course, t.gain, safe(g.label[locale])];
      const tail = [String(g.n), pct(g.responseRate)];
      rows.push([...head, t.pre, ...tail, num(g.meanPre), '', '']);
      rows.push([...head, t.post, ...tail, num(g.meanPost), '', '']);
      rows.push([...head, t.meanGain, ...tail, num(g.meanGain), num(g.ci?.[0]), num(g.ci?.[1])]);
      rows.push([...head, t.dz, ...tail, num(g.effectSize), num(g.effectCi?.[0]), num(g.effectCi?.[1])]);
      rows.push([...head, t.improved, ...tail, pct(g.improved), '', '']);
    }
    for (const r of c.reaction)
      for (const i of r.items)
        rows.push([
          course,
          t.reaction,
          safe(r.label[locale]),
          i.label[locale],
          String(r.n),
          pct(r.responseRate),
          num(i.mean),
          '',
          '',
        ]);
    for (const f of c.followUp)
      for (const o of f.outcomes)
        for (const u of ['never', 'once', 'several'] as const)
          rows.push([
            course,
            t.followUp,
            safe(f.label[locale]),
            `${safe(o.label[locale])}: ${t.usage[u]}`,
            String(f.n),
            pct(f.responseRate),
            pct(o[u]),
            '',
            '',
          ]);
  }
  return stringify(rows, { bom: true, record_delimiter: '\r\n' });
}
