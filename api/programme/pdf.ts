/**
 * The printable programme report (A4 portrait, DejaVu Sans embedded like the certificates, black on
 * white): reach by oblast (a sorted bar chart and its table), completion and certification, by role
 * and by month, assessment results, overdue and expiring certifications, and the evaluation section.
 * One language per report (uk or en). Only the suppressed figures of the view are printed.
 */
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { formatNumericDate } from '../../courses/format.ts';
import { fontFiles } from '../certificates/pdf.ts';
import { METRIC_LABELS, tableMetrics } from './csv.ts';
import type { Metric } from './cube.ts';
import type { EvaluationSummary } from './evaluation.ts';
import type { ProgrammeView, Row, TableName } from './view.ts';

const BLACK = rgb(0, 0, 0);
const GREY = rgb(0.35, 0.35, 0.35);
const BAR = rgb(0.2, 0.2, 0.2);

const TEXT = {
  uk: {
    title: 'Програма «Оберіг»: звіт',
    scope: 'Охоплення',
    national: 'уся Україна',
    generated: 'Сформовано',
    note: '«<5» — менше ніж 5 осіб, або число приховане, щоб число менше 5 не можна було обчислити з підсумків. Лише агреговані дані, без імен.',
    chart: 'Охоплення за областями (зараховано; стовпчики впорядковано за спаданням; приховані клітинки не показано)',
    tables: {
      oblasts: 'Охоплення, завершення і сертифікація за областями',
      organisations: 'За організаціями',
      roles: 'За ролями',
      months: 'За місяцями (зараховано, завершили, отримали сертифікат)',
      assessment: 'Результати підсумкового тестування',
    } satisfies Record<TableName, string>,
    row: 'Рядок',
    passRate: 'Успішні, %',
    mean: 'Сер. бал',
    evaluation: 'Оцінювання (реакція, приріст знань, застосування)',
    noEvaluation: 'Жоден курс не має вбудованого оцінювання.',
    evalNote:
      'n — кількість осіб, яких описує показник (пари пре-тест/підсумковий тест або відповіді); «Відп., %» — частка відповідей серед тих, кого стосується. Приріст — у відсоткових пунктах (в. п.), у дужках 95 % довірчий інтервал.',
    gainTitle: 'Рівень 2. Приріст знань (пре-тест → підсумковий тест)',
    reactionTitle: 'Рівень 1. Реакція: середнє за шкалою 1–5',
    followUpTitle: 'Рівень 3. Застосування за останній місяць, % — результат',
    n: 'n',
    rate: 'Відп., %',
    gain: 'Приріст, в. п. [95 % ДІ]',
    dz: 'd_z [95 % ДІ]',
    improved: 'Покращили, %',
    several: 'Кілька разів, %',
    once: 'Один раз, %',
    never: 'Ніколи, %',
    total: 'Усього',
    page: 'Сторінка',
  },
  en: {
    title: 'Oberih programme report',
    scope: 'Scope',
    national: 'all of Ukraine',
    generated: 'Generated',
    note: '"<5": fewer than 5 people, or hidden so that a figure under 5 cannot be worked out from the totals. Aggregates only, no names.',
    chart: 'Reach by oblast (enrolled; bars sorted from largest; suppressed cells not drawn)',
    tables: {
      oblasts: 'Reach, completion and certification by oblast',
      organisations: 'By organisation',
      roles: 'By role',
      months: 'By month (enrolled, completed, certified)',
      assessment: 'Final assessment results',
    } satisfies Record<TableName, string>,
    row: 'Row',
    passRate: 'Pass, %',
    mean: 'Mean',
    evaluation: 'Evaluation (reaction, knowledge gain, follow-up)',
    noEvaluation: 'No course has a built-in evaluation.',
    evalNote:
      'n: people the figure describes (pre-test/final pairs or answers); "Resp., %": response rate among those it concerns. Gain in percentage points, 95 % confidence interval in brackets.',
    gainTitle: 'Level 2. Knowledge gain (pre-test → final)',
    reactionTitle: 'Level 1. Reaction: mean on a 1–5 scale',
    followUpTitle: 'Level 3. Used in the last month, % — outcome',
    n: 'n',
    rate: 'Resp., %',
    gain: 'Gain, pp [95 % CI]',
    dz: 'd_z [95 % CI]',
    improved: 'Improved, %',
    several: 'Several times, %',
    once: 'Once, %',
    never: 'Never, %',
    total: 'Total',
    page: 'Page',
  },
};

export interface ReportInput {
  view: ProgrammeView;
  locale: 'uk' | 'en';
  generatedAt: string;
  scopeLabel: string;
  evaluation: EvaluationSummary | null;
}

export async function programmeReportPdf(input: ReportInput): Promise<Uint8Array> {
  const t = TEXT[input.locale];
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const regular = await doc.embedFont(fontFiles().regular, { subset: true });
  const bold = await doc.embedFont(fontFiles().bold, { subset: true });
  doc.setTitle(t.title);
  doc.setAuthor('Oberih');
  doc.setCreator('Oberih');
  doc.setLanguage(input.locale);

  const W = 595.28;
  const H = 841.89;
  const M = 48;
  let page: PDFPage = doc.addPage([W, H]);
  let y = H - M;
  const newPage = () => {
    page = doc.addPage([W, H]);
    y = H - M;
  };
  const need = (h: number) => {
    if (y - h < M) newPage();
  };
  const text = (s: string, x: number, size: number, font: PDFFont = regular, color = BLACK) =>
    page.drawText(s, { x, y, size, font, color });
  const para = (s: string, size: number, font: PDFFont = regular, color = BLACK) => {
    for (const line of wrap(s, font, size, W - 2 * M)) {
      need(size + 4);
      text(line, M, size, font, color);
      y -= size + 4;
    }
  };

  para(t.title, 18, bold);
  y -= 4;
  para(`${t.scope}: ${input.scopeLabel}`, 10.5);
  para(`${t.generated}: ${formatNumericDate(input.generatedAt)}`, 10.5);
  y -= 4;
  para(t.note, 8.5, regular, GREY);
  y -= 10;

  // Reach by oblast: a sorted bar chart (no boundary data package is installed for a map; see docs/programme.md).
  const bars = input.view.tables.oblasts
    .map((r) => ({ label: r.label[input.locale], v: r.values.enrolled }))
    .filter((b): b is { label: string; v: number } => typeof b.v === 'number')
    .sort((a, b) => b.v - a.v);
  if (bars.length > 0) {
    para(t.chart, 11, bold);
    y -= 2;
    const max = Math.max(1, ...bars.map((b) => b.v));
    const labelW = 170;
    for (const b of bars) {
      need(16);
      text(clip(b.label, regular, 8.5, labelW - 6), M, 8.5);
      const w = ((W - 2 * M - labelW - 40) * b.v) / max;
      page.drawRectangle({ x: M + labelW, y: y - 1, width: Math.max(w, 0.5), height: 9, color: BAR });
      text(String(b.v), M + labelW + w + 4, 8.5);
      y -= 14;
    }
    y -= 8;
  }

  const tableOrder: TableName[] = ['oblasts', 'roles', 'organisations', 'months', 'assessment'];
  for (const name of tableOrder) {
    const rows = input.view.tables[name];
    if (rows.length === 0) continue;
    const rowsWithTotal =
      name === 'oblasts' && input.view.total
        ? [...rows, { ...input.view.total, label: { uk: t.total, en: t.total } }]
        : rows;
    drawTable(t.tables[name], rowsWithTotal, name === 'assessment');
  }

  need(60);
  y -= 6;
  para(t.evaluation, 11, bold);
  if (!input.evaluation) para(t.noEvaluation, 9.5, regular, GREY);
  else if (input.evaluation.courses.length === 0) para(t.noEvaluation, 9.5, regular, GREY);
  else {
    para(t.evalNote, 8.5, regular, GREY);
    const n = (v: number | '<5') => String(v);
    const p = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)}`);
    const f = (x: number | null, d: number) => (x === null ? '—' : x.toFixed(d));
    const ci = (c: [number, number] | null, d: number) => (c ? `[${c[0].toFixed(d)}; ${c[1].toFixed(d)}]` : '');
    for (const c of input.evaluation.courses) {
      need(80);
      y -= 4;
      para(c.course.title[input.locale], 10.5, bold);
      grid(
        t.gainTitle,
        [t.n, t.rate, t.gain, t.dz, t.improved],
        c.gain.map((g) => [
          g.label[input.locale],
          n(g.n),
          p(g.responseRate),
          `${f(g.meanGain, 1)} ${ci(g.ci, 1)}`,
          `${f(g.effectSize, 2)} ${ci(g.effectCi, 2)}`,
          p(g.improved),
        ]),
        [0.5, 0.7, 1.6, 1.6, 0.9],
      );
      grid(
        t.reactionTitle,
        [t.n, t.rate, ...(c.reaction[0]?.items ?? []).map((i) => i.label[input.locale])],
        c.reaction.map((r) => [r.label[input.locale], n(r.n), p(r.responseRate), ...r.items.map((i) => f(i.mean, 2))]),
      );
      const outcomes = c.followUp[0]?.outcomes ?? [];
      outcomes.forEach((o, i) =>
        grid(
          `${t.followUpTitle} ${i + 1}: ${o.label[input.locale]}`,
          [t.n, t.rate, t.several, t.once, t.never],
          c.followUp.map((r) => {
            const x = r.outcomes[i]!;
            return [r.label[input.locale], n(r.n), p(r.responseRate), p(x.several), p(x.once), p(x.never)];
          }),
        ),
      );
    }
  }

  const pages = doc.getPages();
  pages.forEach((p, i) =>
    p.drawText(`${t.page} ${i + 1} / ${pages.length}`, { x: W - M - 60, y: 24, size: 8, font: regular, color: GREY }),
  );
  return doc.save();

  function drawTable(title: string, rows: readonly Row[], assessment: boolean) {
    const metrics: Metric[] = tableMetrics(rows);
    const cols = [...metrics.map((m) => METRIC_LABELS[m][input.locale]), ...(assessment ? [t.passRate, t.mean] : [])];
    const labelW = 150;
    const colW = (W - 2 * M - labelW) / cols.length;
    need(60);
    para(title, 11, bold);
    y -= 2;
    // Header: wrapped into at most three short lines per column.
    const headLines = cols.map((c) => wrap(c, regular, 7, colW - 4).slice(0, 3));
    const headH = Math.max(...headLines.map((l) => l.length)) * 9;
    text(t.row, M, 7.5, bold, GREY);
    headLines.forEach((lines, i) =>
      lines.forEach((l, j) =>
        page.drawText(l, { x: M + labelW + i * colW, y: y - j * 9, size: 7, font: regular, color: GREY }),
      ),
    );
    y -= headH + 3;
    page.drawLine({ start: { x: M, y: y + 8 }, end: { x: W - M, y: y + 8 }, thickness: 0.5, color: GREY });
    for (const r of rows) {
      need(13);
      text(clip(r.label[input.locale], regular, 8.5, labelW - 6), M, 8.5);
      const cells = [
        ...metrics.map((m) => String(r.values[m])),
        ...(assessment ? [r.pass_rate?.toFixed(1) ?? '—', r.mean_score?.toFixed(1) ?? '—'] : []),
      ];
      cells.forEach((v, i) =>
        page.drawText(v, { x: M + labelW + i * colW, y, size: 8.5, font: regular, color: BLACK }),
      );
      y -= 12;
    }
    y -= 10;
  }

  /** A small table of strings: a label column and figure columns (the evaluation section). */
  function grid(title: string, cols: string[], rows: string[][], weights: number[] = cols.map(() => 1)) {
    const labelW = 130;
    const unit = (W - 2 * M - labelW) / weights.reduce((s, w) => s + w, 0);
    const xs = weights.map((_, i) => M + labelW + unit * weights.slice(0, i).reduce((s, w) => s + w, 0));
    const widthOf = (i: number) => unit * weights[i]!;
    need(50);
    para(title, 9.5, bold);
    const headLines = cols.map((c, i) => wrap(c, regular, 7, widthOf(i) - 4).slice(0, 3));
    const headH = Math.max(...headLines.map((l) => l.length)) * 9;
    headLines.forEach((lines, i) =>
      lines.forEach((l, j) => page.drawText(l, { x: xs[i]!, y: y - j * 9, size: 7, font: regular, color: GREY })),
    );
    y -= headH + 3;
    page.drawLine({ start: { x: M, y: y + 8 }, end: { x: W - M, y: y + 8 }, thickness: 0.5, color: GREY });
    for (const r of rows) {
      need(13);
      text(clip(r[0]!, regular, 8.5, labelW - 6), M, 8.5);
      r.slice(1).forEach((v, i) =>
        page.drawText(clip(v, regular, 8, widthOf(i) - 4), { x: xs[i]!, y, size: 8, font: regular, color: BLACK }),
      );
      y -= 12;
    }
    y -= 8;
  }
}

function wrap(s: string, font: PDFFont, size: number, max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of s.split(/\s+/)) {
    const next = line ? `${line} ${word}` : word;
    if (line && font.widthOfTextAtSize(next, size) > max) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

function clip(s: string, font: PDFFont, size: number, max: number): string {
  if (font.widthOfTextAtSize(s, size) <= max) return s;
  let out = s;
  while (out.length > 1 && font.widthOfTextAtSize(`${out}…`, size) > max) out = out.slice(0, -1);
  return `${out}…`;
}
