import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTestApp, tempDir } from '../helpers/app.ts';

describe('SCORM package downloads', async () => {
  const t = await makeTestApp();
  const dir = tempDir('oberih-scorm-api-');
  t.deps.scormDir = dir;
  const instructor = await t.userWithSession('instructor');
  const admin = await t.userWithSession('admin');
  const cadet = await t.userWithSession('cadet');

  it('says clearly when a package has not been exported yet', async () => {
    const res = await t.request('/api/scorm/fixture-course-uk-scorm12.zip', { cookie: instructor.cookie });
    expect(res.status).toBe(404);
    expect((await res.json()).error.message).toMatch(/not been exported yet: run `npm run export:scorm`/);
    const list = await (await t.request('/api/scorm', { cookie: instructor.cookie })).json();
    expect(list).toEqual({ packages: [], hint: expect.stringMatching(/export:scorm/) });
  });

  it('an instructor lists and downloads an exported package; an admin too', async () => {
    const zip = Buffer.from('PK\u0003\u0004 test zip');
    fs.writeFileSync(path.join(dir, 'fixture-course-en-scorm2004.zip'), zip);
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a package');
    const list = await (await t.request('/api/scorm', { cookie: instructor.cookie })).json();
    expect(list.packages).toEqual([
      expect.objectContaining({
        file: 'fixture-course-en-scorm2004.zip',
        course: 'fixture-course',
        locale: 'en',
        version: '2004',
        bytes: zip.length,
        url: '/api/scorm/fixture-course-en-scorm2004.zip',
      }),
    ]);
    for (const who of [instructor, admin]) {
      const res = await t.request('/api/scorm/fixture-course-en-scorm2004.zip', { cookie: who.cookie });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/zip');
      expect(res.headers.get('content-disposition')).toBe('attachment; filename="fixture-course-en-scorm2004.zip"');
      expect(Buffer.from(await res.arrayBuffer())).toEqual(zip);
    }
  });

  it('learners and anonymous visitors cannot download packages (they hold the answer keys)', async () => {
    expect((await t.request('/api/scorm/fixture-course-en-scorm2004.zip', { cookie: cadet.cookie })).status).toBe(403);
    expect((await t.request('/api/scorm/fixture-course-en-scorm2004.zip')).status).toBe(401);
    expect((await t.request('/api/scorm', { cookie: cadet.cookie })).status).toBe(403);
  });

  it('accepts only package names, so no other file can be read', async () => {
    for (const name of [
      'notes.txt',
      '..%2F..%2Fpackage.json',
      'fixture-course-en-scorm2004.zip.bak',
      'Fixture-en-scorm12.zip',
    ]) {
      const res = await t.request(`/api/scorm/${name}`, { cookie: instructor.cookie });
      expect([400, 404], name).toContain(res.status);
      if (res.status === 400) expect((await res.json()).error.code).toBe('validation_failed');
    }
  });
});
