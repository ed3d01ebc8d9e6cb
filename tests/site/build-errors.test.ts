/** A malformed course file fails the real Astro build with the file, the line and the field. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/app.ts';

function buildWith(change: (content: string) => void, poolRule = 'warn') {
  const dir = tempDir('oberih-badbuild-');
  const content = path.join(dir, 'content');
  fs.cpSync('tests/fixtures/content', content, { recursive: true });
  change(content);
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts'], {
    // The fixture pool is small by design: pool rules only report unless a test asks for them.
    env: { ...process.env, CONTENT_DIR: content, SITE_OUT: path.join(dir, 'site'), OBERIH_POOL_RULE: poolRule },
    encoding: 'utf8',
    timeout: 120_000,
  });
}

describe('the build refuses malformed courses', () => {
  it('names file, line and field for a bad course.yaml value', { timeout: 120_000 }, () => {
    const r = buildWith((c) => {
      const f = path.join(c, 'courses/fixture-course/course.yaml');
      fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace('audience: initial', 'audience: cadets'));
    });
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(
      /courses\/fixture-course\/course\.yaml:3 → audience: expected one of "initial", "in-service", "prevention", got "cadets"/,
    );
  });

  it('names the MDX file and field for broken frontmatter and a missing translation', { timeout: 120_000 }, () => {
    const r = buildWith((c) => {
      const f = path.join(c, 'courses/fixture-course/uk/01-words.mdx');
      fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace('minutes: 10', 'minutes: [ten'));
    });
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/courses\/fixture-course\/uk\/01-words\.mdx:\d+ → .*YAML syntax/);
    const missing = buildWith((c) => fs.rmSync(path.join(c, 'courses/fixture-course/en/03-check.mdx')));
    expect(missing.status).not.toBe(0);
    expect(missing.stdout + missing.stderr).toMatch(/module "check" has no en page/);
  });

  it('fails on the pool rules unless OBERIH_POOL_RULE=warn (issue #18)', { timeout: 120_000 }, () => {
    const strict = buildWith(() => {}, '');
    expect(strict.status).not.toBe(0);
    expect(strict.stdout + strict.stderr).toMatch(
      /fixture-course pool-size: assessment\.yaml has 8 questions; 8 per attempt × 3 attempts needs at least 24/,
    );
  });
});
