/**
 * Wellbeing consultations are confidential (issue #24): only the owner and the psychologist supervisor
 * who took it read it. Tried as every staff role, through the thread route, lists, the database backup
 * download, the privacy export of the owner, and the audit log.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ROLES } from '../../db/schema.ts';
import { makeTestApp, tempDir } from '../helpers/app.ts';
import { json, openRequest, supervisor } from './helpers.ts';

const SECRET = 'Після справи про стрім насильства я не сплю третій тиждень і боюся йти на зміну';
const ORDINARY = 'Чи можна оглядати листування в месенджері без ухвали слідчого судді, якщо мати дала телефон';

describe('wellbeing confidentiality', async () => {
  const t = await makeTestApp({ now: () => new Date('2026-12-07T09:00:00Z') });
  const officer = await t.userWithSession('officer');
  const psychologist = await supervisor(t, { psychologist: true, topics: ['own-wellbeing'], oblasts: ['ALL'] });
  const psychologist2 = await supervisor(t, { psychologist: true, topics: ['own-wellbeing'], oblasts: ['ALL'] });
  const allTopics = await supervisor(t, {
    topics: ['own-wellbeing', 'digital-evidence'],
    oblasts: ['ALL'],
    psychologist: false,
  });
  const wellbeing = await openRequest(t, officer.cookie, { topic: 'own-wellbeing', description: SECRET });
  const ordinary = await openRequest(t, officer.cookie, { topic: 'digital-evidence', description: ORDINARY });
  // Every role (the RBAC matrix's list) other than the owner: none reads the wellbeing thread before it is taken.
  const others = await Promise.all(ROLES.map((r) => t.userWithSession(r)));

  it('no other account of any role can read it, nor claim it unless a psychologist in scope', async () => {
    for (const [i, role] of ROLES.entries()) {
      const res = await t.request(`/api/consultations/${wellbeing}`, { cookie: others[i]!.cookie });
      expect(res.status, role).toBeGreaterThanOrEqual(403);
      expect(res.status, role).toBeLessThan(500);
      expect(await res.text(), role).not.toContain('стрім');
    }
    // A non-psychologist supervisor whose topics include wellbeing still cannot see or take it.
    expect((await t.request(`/api/consultations/${wellbeing}`, { cookie: allTopics.cookie })).status).toBe(404);
    expect(
      (await t.request(`/api/consultations/${wellbeing}/claim`, { method: 'POST', cookie: allTopics.cookie })).status,
    ).toBe(404);
    const q = await json(await t.request('/api/consultations/queue', { cookie: allTopics.cookie }));
    expect(q.open.map((r: { id: number }) => r.id)).not.toContain(wellbeing);
    // A psychologist sees it in the queue (without text) but reads it only after taking it.
    const pq = await json(await t.request('/api/consultations/queue', { cookie: psychologist.cookie }));
    expect(pq.open.map((r: { id: number }) => r.id)).toContain(wellbeing);
    expect(JSON.stringify(pq)).not.toContain('стрім');
    expect((await t.request(`/api/consultations/${wellbeing}`, { cookie: psychologist.cookie })).status).toBe(404);
    expect(
      (await t.request(`/api/consultations/${wellbeing}/claim`, { method: 'POST', cookie: psychologist.cookie }))
        .status,
    ).toBe(200);
    const thread = await json(await t.request(`/api/consultations/${wellbeing}`, { cookie: psychologist.cookie }));
    expect(thread.messages[0].body).toBe(SECRET);
    // The other psychologist, who did not take it, cannot.
    expect((await t.request(`/api/consultations/${wellbeing}`, { cookie: psychologist2.cookie })).status).toBe(404);
  });

  it('an admin is told it is confidential (403), sees only that it exists, and cannot reassign it at all', async () => {
    const admin = others[ROLES.indexOf('admin')]!;
    const res = await t.request(`/api/consultations/${wellbeing}`, { cookie: admin.cookie });
    expect(res.status).toBe(403);
    expect((await json(res)).error.message).toMatch(/confidential/);
    const list = await json(await t.request('/api/supervision/consultations', { cookie: admin.cookie }));
    const row = list.consultations.find((r: { id: number }) => r.id === wellbeing);
    expect(Object.keys(row).sort()).toEqual(['closed_at', 'created_at', 'id', 'status', 'wellbeing']);
    expect(row.wellbeing).toBe(true);
    const re = await t.request(`/api/consultations/${wellbeing}/reassign`, {
      cookie: admin.cookie,
      json: { supervisor_id: allTopics.user.id },
    });
    expect(re.status).toBe(403);
    expect((await json(re)).error.message).toMatch(/confidential/);
    // An ordinary thread the admin may read, and that read is audit-logged with the id only.
    expect((await t.request(`/api/consultations/${ordinary}`, { cookie: admin.cookie })).status).toBe(200);
    const audit = await t.deps.db
      .selectFrom('audit_log')
      .selectAll()
      .where('event', '=', 'consultation.read')
      .where('actor_id', '=', admin.user.id)
      .execute();
    expect(audit.map((a) => a.target)).toEqual([`consultation:${ordinary}`]);
    expect(audit[0]!.details).toBeNull();
  });

  it('instructors have no consultation route at all', async () => {
    const instructor = others[ROLES.indexOf('instructor')]!;
    for (const p of [`/api/consultations/${ordinary}`, '/api/consultations/queue', '/api/supervision/consultations'])
      expect((await t.request(p, { cookie: instructor.cookie })).status).toBe(403);
  });

  it('the database backup download carries no consultation text (encrypted; the key is not in the database)', async () => {
    const admin = others[ROLES.indexOf('admin')]!;
    const res = await t.request('/api/admin/backup', { cookie: admin.cookie });
    expect(res.status).toBe(200);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.length).toBeGreaterThan(10_000);
    for (const text of [SECRET, ORDINARY, 'стрім', 'месенджері'])
      expect(bytes.includes(Buffer.from(text, 'utf8')), text).toBe(false);
    // And it is the real database: the rows are there, as ciphertext.
    const file = path.join(tempDir(), 'b.sqlite');
    fs.writeFileSync(file, bytes);
    const db = new Database(file, { readonly: true });
    const rows = db.prepare('select body_enc from consultation_messages').all() as { body_enc: string }[];
    db.close();
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const r of rows) expect(r.body_enc).toMatch(/^v1\./);
    // The key file lives beside the live database, not inside it.
    expect(fs.existsSync(path.join(path.dirname(t.dbFile), 'consultation-key.bin'))).toBe(true);
  });

  it("the privacy export of the owner shows the wellbeing request by its id only, and no thread's text", async () => {
    const admin = others[ROLES.indexOf('admin')]!;
    const res = await t.request(`/api/admin/users/${officer.user.id}/export`, { cookie: admin.cookie });
    expect(res.status).toBe(200);
    const text = await res.text();
    for (const s of [SECRET, ORDINARY, 'стрім', 'own-wellbeing']) expect(text, s).not.toContain(s);
    const data = JSON.parse(text);
    expect(data.consultations).toContainEqual({ id: wellbeing, confidential: true });
    expect(data.consultations.find((c: { id: number }) => c.id === ordinary).topic).toBe('digital-evidence');
  });

  it('audit details never hold a thread text or a wellbeing topic', async () => {
    const rows = await t.deps.db.selectFrom('audit_log').selectAll().execute();
    const all = JSON.stringify(rows);
    for (const s of [SECRET, ORDINARY, 'own-wellbeing', 'стрім']) expect(all).not.toContain(s);
  });

  it('a wellbeing consultation never becomes a case note', async () => {
    await t.request(`/api/consultations/${wellbeing}/close`, { cookie: officer.cookie, json: { rating: 'helped' } });
    const res = await t.request('/api/case-notes', {
      cookie: psychologist.cookie,
      json: { consultation_id: wellbeing, locale: 'uk', title: 'Вигорання', body: 'x'.repeat(60) },
    });
    expect(res.status).toBe(409);
  });

  it('erasure of the account deletes its requests and their messages', async () => {
    const admin = others[ROLES.indexOf('admin')]!;
    const res = await t.request(`/api/admin/users/${officer.user.id}/erase`, {
      cookie: admin.cookie,
      json: { confirm_email: officer.user.email },
    });
    expect(res.status).toBe(200);
    expect(
      await t.deps.db.selectFrom('consultations').selectAll().where('requester_id', '=', officer.user.id).execute(),
    ).toEqual([]);
    expect(
      await t.deps.db
        .selectFrom('consultation_messages')
        .selectAll()
        .where('consultation_id', 'in', [wellbeing, ordinary])
        .execute(),
    ).toEqual([]);
  });
});
