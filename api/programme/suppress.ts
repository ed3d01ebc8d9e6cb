/**
 * Small-cell suppression for the programme's aggregates. Pure.
 *
 * Every figure the programme dashboard shows is a count of people in a cell, and cells are tied by
 * additive relations (a parent is the sum of its children: the country is the sum of its oblasts, an
 * oblast the sum of its organisations, of its roles, of its months). A cell of 1–4 people is suppressed
 * (primary). Because a reader can subtract the shown children from a shown parent, suppression is
 * extended (complementary) until, in every relation whose parent is shown, the suppressed children are
 * either none or at least two whose total is at least 5 people; otherwise the smallest shown non-zero
 * child is suppressed too (a shown zero when no other is left and the hidden total is already 5 or
 * more: the reader cannot tell it is zero), and when none is left, the parent. This repeats over every relation until
 * nothing changes, so a suppression made for one table carries into the others. Then an audit treats all
 * relations together as linear equations (a reader can combine them): while a hidden cell of 1–4 people
 * is still determined by the shown cells, one more cell next to it is hidden.
 *
 * Suppression is computed once over the whole country and every caller sees the same cells: a
 * coordinator's scope or filter only chooses which cells are returned, so two overlapping queries can
 * never be subtracted into a cell the single computation protected. Zero is shown (it describes nobody).
 */

/** The threshold: cells describing fewer people than this are never shown. */
export const MIN_CELL = 5;

export interface Relation {
  parent: string;
  children: readonly string[];
}

/** Keys of the cells that must not be shown. */
export function suppressCells(values: ReadonlyMap<string, number>, relations: readonly Relation[]): Set<string> {
  const hidden = new Set<string>();
  for (const [k, v] of values) if (v > 0 && v < MIN_CELL) hidden.add(k);
  const value = (k: string) => values.get(k) ?? 0;
  const byValue = (a: string, b: string) => value(a) - value(b) || a.localeCompare(b);
  for (let round = 0; round < 1_000; round++) {
    propagate(hidden, relations, value, byValue);
    // The audit: a reader can combine every relation at once. A hidden cell of 1–4 people whose value
    // follows from the shown cells by linear algebra is still revealed: hide one more cell next to it.
    const pinned = determined(hidden, relations).filter((k) => value(k) > 0 && value(k) < MIN_CELL);
    if (pinned.length === 0) return hidden;
    const around = relations
      .filter((r) => r.parent === pinned[0] || r.children.includes(pinned[0]!))
      .flatMap((r) => [r.parent, ...r.children])
      .filter((k) => !hidden.has(k));
    const next = around.filter((k) => value(k) > 0).sort(byValue)[0] ?? around.sort(byValue)[0];
    if (!next) return hidden;
    hidden.add(next);
  }
  return hidden;
}

/** The relation-by-relation rule (see the top of the file), until nothing changes. */
function propagate(
  hidden: Set<string>,
  relations: readonly Relation[],
  value: (k: string) => number,
  byValue: (a: string, b: string) => number,
): void {
  let changed = true;
  let guard = 0;
  while (changed && guard++ < 10_000) {
    changed = false;
    for (const r of relations) {
      if (hidden.has(r.parent)) continue;
      const hiddenKids = r.children.filter((k) => hidden.has(k));
      if (hiddenKids.length === 0) continue;
      const hiddenSum = hiddenKids.reduce((s, k) => s + value(k), 0);
      if (hiddenKids.length >= 2 && hiddenSum >= MIN_CELL) continue;
      // Protect by hiding one more child: the smallest shown one that adds someone, else a shown zero
      // (the reader cannot tell it is zero), else the parent itself.
      const shown = r.children.filter((k) => !hidden.has(k));
      const candidate =
        shown.filter((k) => value(k) > 0).sort(byValue)[0] ??
        (hiddenSum < MIN_CELL ? undefined : shown.sort(byValue)[0]);
      if (candidate) hidden.add(candidate);
      else if (hiddenSum > 0) hidden.add(r.parent);
      else continue;
      changed = true;
    }
  }
}

/**
 * Hidden cells whose value follows from the shown ones: each relation is a linear equation over the
 * hidden cells (the shown ones are constants); a cell is determined when its unit vector lies in the
 * span of those equations, i.e. when a row of the reduced row echelon form is that unit vector.
 */
export function determined(hidden: ReadonlySet<string>, relations: readonly Relation[]): string[] {
  const vars = [...hidden];
  const index = new Map(vars.map((k, i) => [k, i]));
  const rows: number[][] = [];
  for (const r of relations) {
    const row = new Array<number>(vars.length).fill(0);
    let any = false;
    const p = index.get(r.parent);
    if (p !== undefined) {
      row[p] = -1;
      any = true;
    }
    for (const c of r.children) {
      const i = index.get(c);
      if (i !== undefined) {
        row[i] = (row[i] ?? 0) + 1;
        any = true;
      }
    }
    if (any) rows.push(row);
  }
  const EPS = 1e-9;
  let lead = 0;
  const pivots: number[] = [];
  for (let col = 0; col < vars.length && lead < rows.length; col++) {
    let best = lead;
    for (let i = lead + 1; i < rows.length; i++) if (Math.abs(rows[i]![col]!) > Math.abs(rows[best]![col]!)) best = i;
    if (Math.abs(rows[best]![col]!) < EPS) continue;
    [rows[lead], rows[best]] = [rows[best]!, rows[lead]!];
    const pivot = rows[lead]!;
    const f = pivot[col]!;
    for (let j = 0; j < vars.length; j++) pivot[j]! /= f;
    for (let i = 0; i < rows.length; i++) {
      if (i === lead) continue;
      const g = rows[i]![col]!;
      if (Math.abs(g) < EPS) continue;
      const row = rows[i]!;
      for (let j = 0; j < vars.length; j++) row[j] = row[j]! - g * pivot[j]!;
    }
    pivots.push(col);
    lead++;
  }
  const out: string[] = [];
  pivots.forEach((col, r) => {
    const row = rows[r]!;
    if (row.every((v, j) => j === col || Math.abs(v) < EPS)) out.push(vars[col]!);
  });
  return out;
}

/** A count as the API shows it: the number, or "<5" when suppressed (primary or complementary alike). */
export type Shown = number | '<5';
export const SUPPRESSED = '<5' as const;
