/** Small-cell suppression (api/programme/suppress.ts): primary, complementary, and a brute-force audit. */
import { describe, expect, it } from 'vitest';
import { seededRng } from '../../courses/scorm/common/draft.ts';
import { MIN_CELL, suppressCells, type Relation } from '../../api/programme/suppress.ts';

describe('suppressCells', () => {
  it('hides cells of 1 to 4 people and shows zeros and cells of 5 or more', () => {
    const values = new Map([
      ['a', 0],
      ['b', 1],
      ['c', 4],
      ['d', 5],
      ['e', 40],
    ]);
    expect([...suppressCells(values, [])].sort()).toEqual(['b', 'c']);
  });

  it('hides a second child when the parent minus the shown children would reveal the first', () => {
    const values = new Map([
      ['lviv', 10],
      ['org-a', 7],
      ['org-b', 3],
    ]);
    const hidden = suppressCells(values, [{ parent: 'lviv', children: ['org-a', 'org-b'] }]);
    expect(hidden.has('org-b')).toBe(true);
    expect(hidden.has('org-a')).toBe(true);
    expect(hidden.has('lviv')).toBe(false);
  });

  it('keeps hiding until the hidden children of a shown parent add up to 5 or more', () => {
    const values = new Map([
      ['all', 30],
      ['x', 1],
      ['y', 2],
      ['z', 6],
      ['w', 21],
    ]);
    const hidden = suppressCells(values, [{ parent: 'all', children: ['x', 'y', 'z', 'w'] }]);
    // 1 + 2 = 3 would be revealed by 30 − 6 − 21: z (the smallest shown) is hidden too.
    expect([...hidden].sort()).toEqual(['x', 'y', 'z']);
  });

  it('hides the parent when no child is left to hide', () => {
    const values = new Map([
      ['p', 3],
      ['q', 3],
      ['r', 0],
    ]);
    const hidden = suppressCells(values, [{ parent: 'p', children: ['q', 'r'] }]);
    expect(hidden.has('p')).toBe(true);
  });

  // The audit: an attacker who knows every shown cell and every relation enumerates the values the
  // hidden cells could take. No cell of 1–4 people may be pinned to one value.
  it('no table of random small counts lets a cell under 5 be worked out from the margins (brute force)', () => {
    const rand = seededRng(2312);
    const rows = 2;
    const cols = 3;
    for (let trial = 0; trial < 60; trial++) {
      const x = Array.from({ length: rows }, () => Array.from({ length: cols }, () => Math.floor(rand() * 9)));
      const values = new Map<string, number>();
      const rowSum = (i: number, g: number[][]) => g[i]!.reduce((a, b) => a + b, 0);
      const colSum = (j: number, g: number[][]) => g.reduce((a, r) => a + r[j]!, 0);
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) values.set(`x${i}${j}`, x[i]![j]!);
      for (let i = 0; i < rows; i++) values.set(`r${i}`, rowSum(i, x));
      for (let j = 0; j < cols; j++) values.set(`c${j}`, colSum(j, x));
      const total = x.flat().reduce((a, b) => a + b, 0);
      values.set('t', total);
      const relations: Relation[] = [
        { parent: 't', children: [...Array(rows).keys()].map((i) => `r${i}`) },
        { parent: 't', children: [...Array(cols).keys()].map((j) => `c${j}`) },
        ...[...Array(rows).keys()].map((i) => ({
          parent: `r${i}`,
          children: [...Array(cols).keys()].map((j) => `x${i}${j}`),
        })),
        ...[...Array(cols).keys()].map((j) => ({
          parent: `c${j}`,
          children: [...Array(rows).keys()].map((i) => `x${i}${j}`),
        })),
      ];
      const hidden = suppressCells(values, relations);
      // Every cell 1–4 is hidden.
      for (const [k, v] of values) if (v > 0 && v < MIN_CELL) expect(hidden.has(k), `${k}=${v}`).toBe(true);

      // Enumerate interior grids consistent with everything shown.
      const possible = new Map<string, Set<number>>();
      for (const k of values.keys()) possible.set(k, new Set());
      const g = x.map((r) => r.map(() => 0));
      const cells = [...Array(rows * cols).keys()].map((n) => [Math.floor(n / cols), n % cols] as const);
      const fits = (k: string, v: number) => hidden.has(k) || values.get(k) === v;
      const walk = (n: number) => {
        if (n === cells.length) {
          for (let j = 0; j < cols; j++) if (!fits(`c${j}`, colSum(j, g))) return;
          const t = g.flat().reduce((a, b) => a + b, 0);
          if (!fits('t', t)) return;
          for (let i = 0; i < rows; i++) possible.get(`r${i}`)!.add(rowSum(i, g));
          for (let j = 0; j < cols; j++) possible.get(`c${j}`)!.add(colSum(j, g));
          possible.get('t')!.add(t);
          for (const [i, j] of cells) possible.get(`x${i}${j}`)!.add(g[i]![j]!);
          return;
        }
        const [i, j] = cells[n]!;
        const key = `x${i}${j}`;
        for (let v = 0; v <= 12; v++) {
          if (!fits(key, v)) continue;
          g[i]![j] = v;
          if (j === cols - 1 && !fits(`r${i}`, rowSum(i, g))) continue;
          walk(n + 1);
        }
        g[i]![j] = 0;
      };
      walk(0);
      for (const [k, v] of values) {
        if (v > 0 && v < MIN_CELL)
          expect(possible.get(k)!.size, `trial ${trial}: ${k}=${v} is pinned by ${JSON.stringify(x)}`).toBeGreaterThan(
            1,
          );
      }
    }
  });
});
