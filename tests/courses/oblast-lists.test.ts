import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OBLASTS } from '../../courses/oblast-iso.ts';
import { OBLASTS_FILE, parseOblasts } from '../../courses/oblasts.ts';

// Two spellings of one list: the programme's register (KATOTTH region numbers, content/data/oblasts.yaml)
// and the ISO 3166-2:UA codes consultations use. Each ISO entry names its register region; names must agree.
describe('oblast lists', () => {
  it('name the same 27 units with the same names', () => {
    const register = parseOblasts(fs.readFileSync(OBLASTS_FILE, 'utf8')).oblasts;
    const iso = Object.entries(OBLASTS).map(([, name]) => ({ code: name.region, uk: name.uk, en: name.en }));
    expect(iso.sort((a, b) => a.code.localeCompare(b.code))).toEqual(
      register.map((o) => ({ code: o.code, uk: o.uk, en: o.en })).sort((a, b) => a.code.localeCompare(b.code)),
    );
  });
});
