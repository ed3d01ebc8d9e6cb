import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import jsQR from 'jsqr';
import { describe, expect, it } from 'vitest';
import { verifyToken, type PublicJwk } from '../../courses/certificate.ts';
import { formatPercent } from '../../courses/format.ts';
import { rightAnswers } from '../helpers/answers.ts';
import { bootstrap } from '../../api/bootstrap.ts';
import { issueCertificate, issueMissingCertificates } from '../../api/certificates/issue.ts';
import { KEY_FILE, loadSigner } from '../../api/certificates/keys.ts';
import { checkCompletion } from '../../api/completion.ts';
import { silentLogger } from '../../api/log.ts';
import { fixtures, makeTestApp, tempDir, type TestApp } from '../helpers/app.ts';
import { studyEvents } from '../helpers/study.ts';

const COURSE = 'fixture-course';
const pool = () =>
  new Map(
    fixtures()
      .courses.get(COURSE)!
      .pool!.map((q) => [q.id, q]),
  );

/** Study every module (mastery rule) and pass the graded assessment with full marks, as a learner would. */
async function completeCourse(t: TestApp, cookie: string) {
  const events = studyEvents(fixtures().courses.get(COURSE)!);
  expect((await t.request('/api/progress/events', { cookie, json: { events } })).status).toBe(200);
  const { attempt } = await (
    await t.request(`/api/courses/${COURSE}/attempts`, { cookie, json: { locale: 'uk' } })
  ).json();
  const responses = rightAnswers(pool(), attempt.questions);
  const res = await t.request(`/api/attempts/${attempt.id}/submit`, { cookie, json: { responses } });
  expect(res.status).toBe(200);
}

async function myCertificates(t: TestApp, cookie: string) {
  const res = await t.request('/api/me/certificates', { cookie });
  expect(res.status).toBe(200);
  return (await res.json()).certificates as {
    code: string;
    name: string;
    status: string;
    verify_url: string;
    expires_at: string | null;
    score: number;
    content_version: string;
    course: { id: string; title: { uk: string } };
  }[];
}

async function jwks(t: TestApp): Promise<PublicJwk[]> {
  const res = await t.request('/.well-known/oberih-certificates.json');
  expect(res.status).toBe(200);
  return (await res.json()).keys;
}

/** Render the PDF's page with poppler and read the QR code back, as a phone camera would. */
function readQr(pdf: Buffer, dir: string): string | null {
  const file = path.join(dir, `qr-${crypto.randomUUID()}.pdf`);
  fs.writeFileSync(file, pdf);
  const pgm = execFileSync('pdftoppm', ['-r', '110', '-gray', '-singlefile', file], { maxBuffer: 64 * 1024 * 1024 });
  // PGM "P5\n<w> <h>\n255\n<bytes>"
  const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.subarray(0, 40).toString('latin1'))!;
  const [w, h] = [Number(header[1]), Number(header[2])];
  const gray = pgm.subarray(header[0].length);
  const rgba = new Uint8ClampedArray(w * h * 4);
  for (let i = 0; i < w * h; i++) rgba.set([gray[i]!, gray[i]!, gray[i]!, 255], i * 4);
  return jsQR(rgba, w, h)?.data ?? null;
}

describe('certificates', async () => {
  let now = new Date('2026-11-29T10:00:00Z');
  const t = await makeTestApp({ now: () => now, config: { trustProxy: true } });
  const dir = tempDir('oberih-cert-');
  const monthAgo = new Date(now.getTime() - 30 * 86_400_000).toISOString();

  // A cohort owned by one instructor, with our cadet in it; a second instructor owns another cohort.
  const owner = await t.createUser('cadet', `cadet-${crypto.randomUUID()}@test.ua`, 'Олена Ґудзь-Їжакевич');
  const ownerCookie = await t.login(owner.email);
  const instructor = await t.userWithSession('instructor');
  const otherInstructor = await t.userWithSession('instructor');
  const otherCadet = await t.userWithSession('cadet');
  const admin = await t.userWithSession('admin');
  const cohort = await t.deps.db
    .insertInto('cohorts')
    .values({
      name: 'Львів-2026',
      unit: 'ЛьвДУВС',
      starts_on: null,
      ends_on: null,
      owner_id: instructor.user.id,
      created_at: now.toISOString(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const otherCohort = await t.deps.db
    .insertInto('cohorts')
    .values({
      name: 'Інша',
      unit: 'ХНУВС',
      starts_on: null,
      ends_on: null,
      owner_id: otherInstructor.user.id,
      created_at: now.toISOString(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await t.deps.db
    .insertInto('cohort_members')
    .values([
      // Joined a month ago: the study history (tests/helpers/study.ts) comes after joining.
      { cohort_id: cohort.id, user_id: owner.id, joined_at: monthAgo },
      { cohort_id: otherCohort.id, user_id: otherCadet.user.id, joined_at: monthAgo },
    ])
    .execute();
  // The instructor sees certificates of the courses assigned to their cohort (api/access.ts).
  await t.deps.db
    .insertInto('cohort_courses')
    .values({ cohort_id: cohort.id, course_id: COURSE, due_on: null })
    .execute();
  await completeCourse(t, ownerCookie);
  const [cert] = await myCertificates(t, ownerCookie);

  it('issues one certificate on completion with an unguessable grouped code and the printed details', async () => {
    const rows = await t.deps.db.selectFrom('certificates').selectAll().where('user_id', '=', owner.id).execute();
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    // 160 random bits: 32 Crockford base32 characters in groups of four.
    expect(row.code).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){7}[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(row).toMatchObject({
      name_printed: 'Олена Ґудзь-Їжакевич',
      course_id: COURSE,
      content_version: '1.0.0',
      score: 100,
      revoked_at: null,
    });
    expect(row.issued_at).toBe('2026-11-29T10:00:00.000Z');
    // The fixture course is valid for 12 months.
    expect(row.expires_at).toBe('2027-11-29T10:00:00.000Z');
    expect(cert).toMatchObject({
      code: row.code,
      name: 'Олена Ґудзь-Їжакевич',
      status: 'valid',
      score: 100,
      content_version: '1.0.0',
    });
  });

  it('is idempotent: repeated completion events and a repeated listener call never issue twice', async () => {
    const events = studyEvents(fixtures().courses.get(COURSE)!, { end: new Date('2026-11-29T09:30:00Z') });
    expect((await t.request('/api/progress/events', { cookie: ownerCookie, json: { events } })).status).toBe(200);
    expect(await checkCompletion(t.deps, owner.id, COURSE)).not.toBeNull();
    const completion = await t.deps.db
      .selectFrom('completions')
      .selectAll()
      .where('user_id', '=', owner.id)
      .executeTakeFirstOrThrow();
    const again = await issueCertificate(t.deps, {
      completionId: completion.id,
      userId: owner.id,
      courseId: COURSE,
      score: 100,
      completedAt: completion.completed_at,
    });
    expect(again?.code).toBe(cert!.code);
    expect(
      await t.deps.db.selectFrom('certificates').select('code').where('user_id', '=', owner.id).execute(),
    ).toHaveLength(1);
    expect(await myCertificates(t, ownerCookie)).toHaveLength(1);
  });

  it('a completion whose certificate is missing gets one when the learner opens the list', async () => {
    const u = await t.userWithSession('officer');
    const completion = await t.deps.db
      .insertInto('completions')
      .values({
        user_id: u.user.id,
        course_id: COURSE,
        content_version: '1.0.0',
        attempt_id: 'legacy',
        score: 90,
        completed_at: '2026-10-01T08:00:00.000Z',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const list = await myCertificates(t, u.cookie);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ score: 90, expires_at: '2027-10-01T08:00:00.000Z' });
    expect(
      (
        await t.deps.db.selectFrom('certificates').select('completion_id').where('user_id', '=', u.user.id).execute()
      )[0]!.completion_id,
    ).toBe(completion.id);
  });

  it('completions written directly (the demo seed) all get their certificates in one pass, once', async () => {
    const a = await t.createUser('cadet');
    const b = await t.createUser('cadet');
    for (const u of [a, b])
      await t.deps.db
        .insertInto('completions')
        .values({
          user_id: u.id,
          course_id: COURSE,
          content_version: '1.0.0',
          attempt_id: `seed-${u.id}`,
          score: 85,
          completed_at: '2026-11-01T08:00:00.000Z',
        })
        .execute();
    expect(await issueMissingCertificates(t.deps)).toBeGreaterThanOrEqual(2);
    const codes = await t.deps.db
      .selectFrom('certificates')
      .select(['user_id', 'code', 'name_printed'])
      .where('user_id', 'in', [a.id, b.id])
      .execute();
    expect(codes.map((c) => c.user_id).sort()).toEqual([a.id, b.id].sort());
    expect(codes.every((c) => c.name_printed.startsWith('Тест'))).toBe(true);
    expect(await issueMissingCertificates(t.deps)).toBe(0);
  });

  it('the QR link carries a payload that verifies in Node against the published key', async () => {
    const keys = await jwks(t);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    expect(keys[0]!.kid).toMatch(/^[A-Za-z0-9_-]{11}$/);
    const url = new URL(cert!.verify_url);
    expect(url.origin + url.pathname).toBe('http://localhost/uk/verify/');
    const result = await verifyToken(url.hash.slice(1), keys);
    expect(result).toMatchObject({
      ok: true,
      payload: {
        code: cert!.code,
        name: 'Олена Ґудзь-Їжакевич',
        course: COURSE,
        version: '1.0.0',
        issued: '2026-11-29',
        expires: '2027-11-29',
      },
    });
  });

  describe('the PDF', () => {
    let pdf: Buffer;
    it('is A4 landscape and its text (extracted by pdftotext) shows the Cyrillic name, both languages and the code', async () => {
      const res = await t.request(`/api/certificates/${cert!.code}.pdf`, { cookie: ownerCookie });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      pdf = Buffer.from(await res.arrayBuffer());
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      const file = path.join(dir, 'cert.pdf');
      fs.writeFileSync(file, pdf);
      const text = execFileSync('pdftotext', ['-enc', 'UTF-8', '-layout', file, '-']).toString('utf8');
      expect(text).toContain('Олена Ґудзь-Їжакевич');
      // The score as Ukrainian writes it (a narrow no-break space before %; pdftotext may give a plain space).
      expect(formatPercent(100, 'uk', 0)).toBe('100\u202f%');
      expect(text).toMatch(/100[\s\u202f]%/);
      for (const s of [
        'СЕРТИФІКАТ',
        'CERTIFICATE',
        'Тестовий курс',
        'Fixture course',
        cert!.code,
        '29.11.2026',
        '29.11.2027',
        '1.0.0',
      ])
        expect(text).toContain(s);
      const info = execFileSync('pdfinfo', [file]).toString();
      expect(info).toMatch(/Page size:\s+841\.89 x 595\.2\d pts \(A4\)/);
      // Subset fonts embedded: no font falls back to a viewer's substitute.
      const fonts = execFileSync('pdffonts', [file]).toString();
      expect(fonts).toMatch(/DejaVuSans-\d+\s+CID TrueType\s+Identity-H\s+yes\s+\S+\s+yes/);
      expect(fonts).toMatch(/DejaVuSans-Bold-\d+\s+CID TrueType\s+Identity-H\s+yes\s+\S+\s+yes/);
      // Subset: the whole 700 KB font is not shipped with every certificate.
      expect(pdf.length).toBeLessThan(120_000);
    });

    it('has a QR code that scans to the signed verification link', () => {
      expect(readQr(pdf, dir)).toBe(cert!.verify_url);
    });

    it('uses PUBLIC_URL for the QR link when it is configured', async () => {
      const t2 = await makeTestApp({ now: () => now, config: { publicUrl: 'https://oberih.example.ua' } });
      const u = await t2.userWithSession('cadet');
      await completeCourse(t2, u.cookie);
      const [c2] = await myCertificates(t2, u.cookie);
      expect(c2!.verify_url.startsWith('https://oberih.example.ua/uk/verify/#')).toBe(true);
      const res = await t2.request(`/api/certificates/${c2!.code}.pdf`, { cookie: u.cookie });
      expect(readQr(Buffer.from(await res.arrayBuffer()), dir)).toBe(c2!.verify_url);
    });
  });

  it('access to the PDF: owner, the cohort instructor and admins; not another instructor, another cadet or anonymous', async () => {
    const get = (cookie?: string) => t.request(`/api/certificates/${cert!.code}.pdf`, { cookie });
    expect((await get(ownerCookie)).status).toBe(200);
    expect((await get(instructor.cookie)).status).toBe(200);
    expect((await get(admin.cookie)).status).toBe(200);
    const other = await get(otherInstructor.cookie);
    expect(other.status).toBe(403);
    expect((await other.json()).error.code).toBe('forbidden');
    expect((await get(otherCadet.cookie)).status).toBe(403);
    expect((await get()).status).toBe(401);
    // A typed code in lower case without dashes still finds it; an unknown one does not.
    expect(
      (await t.request(`/api/certificates/${cert!.code.replace(/-/g, '').toLowerCase()}.pdf`, { cookie: ownerCookie }))
        .status,
    ).toBe(200);
    expect((await t.request(`/api/certificates/${'0000-'.repeat(7)}0000.pdf`, { cookie: admin.cookie })).status).toBe(
      404,
    );
    expect((await t.request(`/api/certificates/${cert!.code}.txt`, { cookie: admin.cookie })).status).toBe(404);
  });

  describe('public verification', () => {
    it('answers valid with the printed name, course and dates, and nothing else about the person', async () => {
      const res = await t.request(`/api/verify/${cert!.code}`);
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body).toEqual({
        status: 'valid',
        name: 'Олена Ґудзь-Їжакевич',
        course: { id: COURSE, title: { uk: 'Тестовий курс', en: 'Fixture course' } },
        issued_at: '2026-11-29T10:00:00.000Z',
        expires_at: '2027-11-29T10:00:00.000Z',
      });
      expect(JSON.stringify(body)).not.toContain(owner.email);
    });

    it('unknown and malformed codes get the identical not-found answer', async () => {
      const unknown = await t.request(`/api/verify/${'ABCD-'.repeat(7)}ABCD`);
      const malformed = await t.request('/api/verify/not-a-code');
      const sqlish = await t.request(`/api/verify/${encodeURIComponent("' OR 1=1 --")}`);
      expect([unknown.status, malformed.status, sqlish.status]).toEqual([404, 404, 404]);
      const bodies = [await unknown.text(), await malformed.text(), await sqlish.text()];
      expect(new Set(bodies).size).toBe(1);
      expect(bodies[0]).not.toContain('ABCD');
    });

    it('is rate limited per address (no enumeration)', async () => {
      const headers = { 'x-forwarded-for': '203.0.113.77' };
      const statuses: number[] = [];
      for (let i = 0; i < 61; i++) statuses.push((await t.request(`/api/verify/${i}`, { headers })).status);
      expect(statuses.slice(0, 60).every((s) => s === 404)).toBe(true);
      const limited = await t.request(`/api/verify/${cert!.code}`, { headers });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      // Another address is not affected.
      expect(
        (await t.request(`/api/verify/${cert!.code}`, { headers: { 'x-forwarded-for': '203.0.113.78' } })).status,
      ).toBe(200);
    });

    it('publishes the public key as a cacheable JWK set without the private part', async () => {
      const res = await t.request('/.well-known/oberih-certificates.json');
      expect(res.headers.get('cache-control')).toMatch(/public/);
      const text = await res.text();
      expect(text).not.toMatch(/"d"/);
    });

    it('/uk/verify/<code> opens the verification page with the code', async () => {
      const res = await t.request(`/uk/verify/${cert!.code}`);
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe(`/uk/verify/?code=${cert!.code}`);
    });
  });

  describe('expiry and the refresher', () => {
    it('My learning gets the certificate with its expiry; inside 60 days it is still valid, after expiry it shows as expired', async () => {
      const officer = await t.createUser('officer', `officer-${crypto.randomUUID()}@test.ua`, 'Петро Сірко');
      await completeCourse(t, await t.login(officer.email));
      // Sessions last 30 days: sign in again after each jump in time.
      now = new Date('2027-10-15T10:00:00Z');
      let cookie = await t.login(officer.email);
      const progress = await (await t.request('/api/me/progress', { cookie })).json();
      const course = progress.courses.find((c: { courseId: string }) => c.courseId === COURSE);
      expect(course.certificates).toEqual([
        {
          code: expect.any(String),
          issued_at: '2026-11-29T10:00:00.000Z',
          expires_at: '2027-11-29T10:00:00.000Z',
          revoked: false,
          superseded: false,
        },
      ]);
      const code = course.certificates[0].code as string;
      // 45 days before expiry: within the 60-day warning window, still valid.
      expect((await (await t.request(`/api/verify/${code}`)).json()).status).toBe('valid');
      now = new Date('2027-11-29T10:00:00Z');
      cookie = await t.login(officer.email);
      const expired = await (await t.request(`/api/verify/${code}`)).json();
      expect(expired).toMatchObject({ status: 'expired', expires_at: '2027-11-29T10:00:00.000Z' });
      expect((await myCertificates(t, cookie))[0]!.status).toBe('expired');
      // An expired certificate is still the learner's record: the PDF stays downloadable.
      expect((await t.request(`/api/certificates/${code}.pdf`, { cookie })).status).toBe(200);
      now = new Date('2026-11-29T10:00:00Z');
    });
  });

  describe('certification cycles', () => {
    /** Start an attempt and answer `correct` of its questions right (the rest are left blank). */
    async function attempt(cookie: string, correct: number) {
      const res = await t.request(`/api/courses/${COURSE}/attempts`, { cookie, json: { locale: 'uk' } });
      expect(res.status, await res.clone().text()).toBe(201);
      const { attempt: a } = await res.json();
      const responses = rightAnswers(pool(), a.questions.slice(0, correct));
      const sub = await t.request(`/api/attempts/${a.id}/submit`, { cookie, json: { responses } });
      expect(sub.status).toBe(200);
      return (await sub.json()).attempt as { score: number; passed: boolean };
    }
    const courseIn = async (cookie: string) =>
      (await (await t.request('/api/me/progress', { cookie })).json()).courses.find(
        (c: { courseId: string }) => c.courseId === COURSE,
      );

    it('a renewal after 11 months with 3 earlier attempts and a lower score issues a new certificate; the old one verifies as superseded', async () => {
      now = new Date('2026-01-10T10:00:00Z');
      // Created by the app's clock of January (an account that existed before its study history).
      const officer = await t.createUser('officer', `renew-${crypto.randomUUID()}@test.ua`, 'Оксана Нова');
      let cookie = await t.login(officer.email);
      const events = studyEvents(fixtures().courses.get(COURSE)!, { end: new Date('2026-01-10T09:00:00Z') });
      expect((await t.request('/api/progress/events', { cookie, json: { events } })).status).toBe(200);
      // Initial cycle: two fails, then a pass with full marks on the last of 3 attempts.
      expect((await attempt(cookie, 0)).passed).toBe(false);
      expect((await attempt(cookie, 1)).passed).toBe(false);
      expect(await attempt(cookie, 8)).toMatchObject({ score: 100, passed: true });
      const [first] = await myCertificates(t, cookie);
      expect(first).toMatchObject({ issued_at: '2026-01-10T10:00:00.000Z', expires_at: '2027-01-10T10:00:00.000Z' });

      // Certified, renewal not open yet: no attempts left in this cycle, and the refusal says when renewal opens.
      now = new Date('2026-06-10T10:00:00Z');
      cookie = await t.login(officer.email);
      const early = await t.request(`/api/courses/${COURSE}/attempts`, { cookie, json: { locale: 'uk' } });
      expect(early.status).toBe(409);
      expect((await early.json()).error.message).toContain('renewal opens on 2026-11-11');

      // 11 months on: the renewal window (60 days before expiry) is open, with a fresh set of attempts.
      now = new Date('2026-12-10T10:00:00Z');
      cookie = await t.login(officer.email);
      const before = await courseIn(cookie);
      expect(before.cycle).toMatchObject({
        index: 1,
        kind: 'renewal',
        completed: false,
        opensAt: '2026-11-11T10:00:00.000Z',
        deadline: '2027-01-10T10:00:00.000Z',
        attemptsUsed: 0,
        attemptsLeft: 3,
      });
      const list = await (await t.request(`/api/courses/${COURSE}/attempts`, { cookie })).json();
      expect(list).toMatchObject({ attempts_left: 3, cycle: { index: 1, kind: 'renewal' } });
      const renewal = await attempt(cookie, 7);
      expect(renewal.passed).toBe(true);
      expect(renewal.score).toBeLessThan(100);

      const certs = await myCertificates(t, cookie);
      expect(certs).toHaveLength(2);
      const [latest, old] = certs;
      expect(latest).toMatchObject({
        status: 'valid',
        score: renewal.score,
        issued_at: '2026-12-10T10:00:00.000Z',
        expires_at: '2027-12-10T10:00:00.000Z',
      });
      expect(old).toMatchObject({ code: first!.code, status: 'superseded' });
      const verified = await (await t.request(`/api/verify/${first!.code}`)).json();
      expect(verified).toMatchObject({
        status: 'superseded',
        issued_at: '2026-01-10T10:00:00.000Z',
        expires_at: '2027-01-10T10:00:00.000Z',
        superseded_at: '2026-12-10T10:00:00.000Z',
      });
      expect(JSON.stringify(verified)).not.toContain(latest!.code);
      expect((await (await t.request(`/api/verify/${latest!.code}`)).json()).status).toBe('valid');

      const after = await courseIn(cookie);
      expect(after.cycle).toMatchObject({ index: 1, completed: true, nextOpensAt: '2027-10-11T10:00:00.000Z' });
      expect(after.certificates.map((c: { superseded: boolean }) => c.superseded)).toEqual([false, true]);
      now = new Date('2026-11-29T10:00:00Z');
    });
  });

  describe('per-cohort CSV', () => {
    it('gives the cohort instructor a UTF-8 CSV with a BOM and the Cyrillic names', async () => {
      const res = await t.request(`/api/cohorts/${cohort.id}/certificates.csv`, { cookie: instructor.cookie });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const text = new TextDecoder().decode(bytes.subarray(3));
      const lines = text.trim().split('\r\n');
      expect(lines[0]).toBe(
        'code,name,email,course_id,course_title,content_version,score,issued_on,expires_on,status,revoked_on',
      );
      expect(lines).toHaveLength(2);
      expect(lines[1]).toBe(
        `${cert!.code},Олена Ґудзь-Їжакевич,${owner.email},${COURSE},Тестовий курс,1.0.0,100,2026-11-29,2027-11-29,valid,`,
      );
    });

    it('refuses another instructor and learners; admins may export any cohort', async () => {
      expect(
        (await t.request(`/api/cohorts/${cohort.id}/certificates.csv`, { cookie: otherInstructor.cookie })).status,
      ).toBe(403);
      expect((await t.request(`/api/cohorts/${cohort.id}/certificates.csv`, { cookie: ownerCookie })).status).toBe(403);
      expect((await t.request(`/api/cohorts/${cohort.id}/certificates.csv`)).status).toBe(401);
      expect((await t.request(`/api/cohorts/${cohort.id}/certificates.csv`, { cookie: admin.cookie })).status).toBe(
        200,
      );
      expect((await t.request('/api/cohorts/424242/certificates.csv', { cookie: admin.cookie })).status).toBe(404);
    });

    it('neutralises names a spreadsheet would run as formulas', async () => {
      const sly = await t.createUser('cadet', `sly-${crypto.randomUUID()}@test.ua`, '=HYPERLINK("http://evil")');
      await t.deps.db
        .insertInto('cohort_members')
        .values({ cohort_id: cohort.id, user_id: sly.id, joined_at: monthAgo })
        .execute();
      await completeCourse(t, await t.login(sly.email));
      const text = await (
        await t.request(`/api/cohorts/${cohort.id}/certificates.csv`, { cookie: instructor.cookie })
      ).text();
      expect(text).toContain(`"'=HYPERLINK(""http://evil"")"`);
      expect(text).not.toMatch(/,=HYPERLINK/);
    });
  });

  describe('revocation', () => {
    it('only admins revoke, with a reason', async () => {
      const url = `/api/admin/certificates/${cert!.code}/revoke`;
      expect((await t.request(url, { cookie: instructor.cookie, json: { reason: 'cheating' } })).status).toBe(403);
      expect((await t.request(url, { cookie: ownerCookie, json: { reason: 'cheating' } })).status).toBe(403);
      const empty = await t.request(url, { cookie: admin.cookie, json: { reason: ' ' } });
      expect(empty.status).toBe(400);
      expect((await empty.json()).error.fields.reason).toBeTruthy();
      expect(
        (
          await t.request(`/api/admin/certificates/${'0000-'.repeat(7)}0000/revoke`, {
            cookie: admin.cookie,
            json: { reason: 'test reason' },
          })
        ).status,
      ).toBe(404);
    });

    it('a revoked certificate shows as revoked, is audit-logged, and its PDF is gone', async () => {
      now = new Date('2026-12-10T12:00:00Z');
      // Days later: an admin session has ended after 12 h idle, and revocation needs a fresh sign-in anyway.
      admin.cookie = await t.login(admin.user.email);
      const res = await t.request(`/api/admin/certificates/${cert!.code}/revoke`, {
        cookie: admin.cookie,
        json: { reason: 'Результат анульовано: списування' },
      });
      expect(res.status).toBe(200);
      expect((await res.json()).certificate).toMatchObject({
        status: 'revoked',
        revoked_at: '2026-12-10T12:00:00.000Z',
        revoked_reason: 'Результат анульовано: списування',
      });
      const audit = await t.deps.db
        .selectFrom('audit_log')
        .selectAll()
        .where('event', '=', 'certificate.revoked')
        .execute();
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ actor_id: admin.user.id, target: `certificate:${cert!.code}` });
      expect(JSON.parse(audit[0]!.details!)).toMatchObject({
        reason: 'Результат анульовано: списування',
        user: owner.id,
      });
      const verify = await (await t.request(`/api/verify/${cert!.code}`)).json();
      expect(verify).toMatchObject({ status: 'revoked', revoked_at: '2026-12-10T12:00:00.000Z' });
      // The public answer never carries the reason (it is about the person).
      expect(JSON.stringify(verify)).not.toContain('списування');
      const pdf = await t.request(`/api/certificates/${cert!.code}.pdf`, { cookie: ownerCookie });
      expect(pdf.status).toBe(410);
      expect((await pdf.json()).error.code).toBe('gone');
      const again = await t.request(`/api/admin/certificates/${cert!.code}/revoke`, {
        cookie: admin.cookie,
        json: { reason: 'twice' },
      });
      expect(again.status).toBe(409);
      const progress = await (await t.request('/api/me/progress', { cookie: ownerCookie })).json();
      expect(progress.courses.find((c: { courseId: string }) => c.courseId === COURSE).certificates[0].revoked).toBe(
        true,
      );
      now = new Date('2026-11-29T10:00:00Z');
    });
  });
});

describe('the signing key', () => {
  it('is generated on first start into the data folder with mode 0600 and reused afterwards', async () => {
    const dir = tempDir('oberih-key-');
    const first = loadSigner({ dataDir: dir });
    const file = path.join(dir, KEY_FILE);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(loadSigner({ dataDir: dir }).kid).toBe(first.kid);
    const deps = await bootstrap({
      dbFile: path.join(dir, 'x.sqlite'),
      contentDir: 'tests/fixtures/content',
      catalog: fixtures(),
      log: silentLogger,
      groupCommitMs: 0,
    });
    expect(deps.certificateSigner!.kid).toBe(first.kid);
    await deps.close();
  });

  it('CERT_SIGNING_KEY (PEM or base64) replaces the key file; anything else is refused with a clear message', () => {
    const dir = tempDir('oberih-key-');
    const pem = crypto.generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    const a = loadSigner({ dataDir: dir, envKey: pem });
    const b = loadSigner({ dataDir: dir, envKey: Buffer.from(pem).toString('base64') });
    expect(a.kid).toBe(b.kid);
    expect(fs.existsSync(path.join(dir, KEY_FILE))).toBe(false);
    expect(() => loadSigner({ dataDir: dir, envKey: 'not a key' })).toThrow(/CERT_SIGNING_KEY/);
    const rsa = crypto
      .generateKeyPairSync('rsa', { modulusLength: 1024 })
      .privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    expect(() => loadSigner({ dataDir: dir, envKey: rsa })).toThrow(/Ed25519/);
  });
});
