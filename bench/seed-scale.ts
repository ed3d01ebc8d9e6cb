/**
 * Fill a fresh database at benchmark scale, fast: the schema comes from the real migrations, the rows
 * from prepared better-sqlite3 statements in a few big transactions (not the HTTP API), with one
 * Argon2 hash shared by every account. Attempts are drawn and scored by the real engine
 * (`courses/assessment.ts`, `courses/scoring.ts`); certificates carry real codes and real signatures
 * with the installation's key file, so the server verifies and serves them like any other.
 * Deterministic: one seeded generator.
 */
import crypto from 'node:crypto';
import SQLite from 'better-sqlite3';
import { encodeBase64urlNoPadding } from '@oslojs/encoding';
import { drawQuestions } from '../courses/assessment.ts';
import type { Catalog, LoadedCourse } from '../courses/catalog.ts';
import { formatCode, payloadBytes } from '../courses/certificate.ts';
import { certificateExpiry } from '../courses/completion.ts';
import type { Response } from '../courses/schema/question.ts';
import { wrongResponse } from '../courses/sample-responses.ts';
import { seededUuid } from '../db/seed-attempts.ts';
import { seededRng } from '../courses/scorm/common/draft.ts';
import { correctResponse, isPassed, scoreAttempt } from '../courses/scoring.ts';
import { createDb } from '../db/connection.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { hashPassword } from '../api/auth/password.ts';
import { loadSigner } from '../api/certificates/keys.ts';
import { payloadOf } from '../api/certificates/issue.ts';

export interface ScaleOptions {
  dbFile: string;
  /** Where the server will find its certificate signing key (the server's DATA_DIR). */
  dataDir: string;
  catalog: Catalog;
  learners: number;
  /** At least this many progress events. */
  events: number;
  /** Exactly this many submitted attempts (spread over learners who are not kept fresh). */
  attempts: number;
  /** Size of each cohort; the first is the bench instructor's report cohort. */
  cohortSize: number;
  /** Learners with no attempts at all, kept for the attempt start/submit scenarios (the last ones). */
  fresh: number;
  password: string;
  seed?: number;
}

export interface ScaleResult {
  ms: number;
  counts: {
    users: number;
    learners: number;
    cohorts: number;
    reportCohortLearners: number;
    progressEvents: number;
    attempts: number;
    attemptResponses: number;
    completions: number;
    certificates: number;
  };
  instructorEmail: string;
  reportCohortId: number;
  /** Learners with seeded progress and attempts (for `GET /api/me/progress`). */
  activeEmails: string[];
  /** Learners without attempts (for attempt start/submit). */
  freshEmails: string[];
  certificateCodes: string[];
}

const DAY = 86_400_000;
const FIRST = [
  'Олена',
  'Андрій',
  'Марія',
  'Тарас',
  'Ірина',
  'Богдан',
  'Оксана',
  'Дмитро',
  'Наталія',
  'Юрій',
  'Софія',
  'Максим',
];
const LAST = [
  'Коваленко',
  'Шевченко',
  'Бондаренко',
  'Ткаченко',
  'Кравченко',
  'Мельник',
  'Олійник',
  'Лисенко',
  'Руденко',
  'Савченко',
];

/** The benchmark's data sizes: the scale (5,000 learners, 200,000 events, 20,000 attempts), or a small one for smoke runs. */
export const benchScale = (quick: boolean) =>
  quick
    ? { learners: 1000, events: 20_000, attempts: 2_000, cohortSize: 500, fresh: 100 }
    : { learners: 5000, events: 200_000, attempts: 20_000, cohortSize: 500, fresh: 1000 };

export async function seedScale(o: ScaleOptions): Promise<ScaleResult> {
  const t0 = performance.now();
  const { db } = createDb(o.dbFile, { synchronous: 'NORMAL' });
  await migrateToLatest(db);
  await db.destroy();
  const hash = await hashPassword(o.password);
  const signer = loadSigner({ dataDir: o.dataDir });

  const sqlite = new SQLite(o.dbFile);
  sqlite.pragma('journal_mode = WAL');
  // Seeding only: nothing here needs to survive a crash (the file is thrown away if it fails).
  sqlite.pragma('synchronous = OFF');
  sqlite.pragma('foreign_keys = ON');
  const rand = seededRng(o.seed ?? 20261129);
  const courses = [...o.catalog.courses.values()];
  const now = Date.now();
  const base = now - 120 * DAY;
  const iso = (t: number) => new Date(t).toISOString();

  const insUser = sqlite.prepare(
    'insert into users (email, full_name, role, password_hash, locale, active, created_at) values (?, ?, ?, ?, ?, 1, ?)',
  );
  const insCohort = sqlite.prepare(
    'insert into cohorts (name, unit, starts_on, ends_on, owner_id, created_at) values (?, ?, ?, ?, ?, ?)',
  );
  const insMember = sqlite.prepare('insert into cohort_members (cohort_id, user_id, joined_at) values (?, ?, ?)');
  const insCourse = sqlite.prepare('insert into cohort_courses (cohort_id, course_id, due_on) values (?, ?, ?)');
  const insEvent = sqlite.prepare(
    'insert into progress_events (client_id, user_id, course_id, module_id, kind, score, occurred_at, received_at) values (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insAttempt = sqlite.prepare(
    'insert into attempts (id, user_id, course_id, content_version, locale, questions, started_at, deadline_at, submitted_at, score, passed) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insResponse = sqlite.prepare(
    'insert into attempt_responses (attempt_id, question_id, response, score) values (?, ?, ?, ?)',
  );
  const insCompletion = sqlite.prepare(
    'insert into completions (user_id, course_id, content_version, attempt_id, score, completed_at) values (?, ?, ?, ?, ?, ?)',
  );
  const insCert = sqlite.prepare(
    'insert into certificates (code, user_id, completion_id, course_id, content_version, name_printed, score, issued_at, expires_at, revoked_at, revoked_reason, signature) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );

  const instructorEmail = 'bench-instructor@oberih.bench';
  const learners: { id: number; email: string; name: string; fresh: boolean; ability: number }[] = [];
  let reportCohortId = 0;
  let cohorts = 0;
  sqlite.transaction(() => {
    const instructor = Number(
      insUser.run(instructorEmail, 'Бенч Інструктор', 'instructor', hash, 'uk', iso(base)).lastInsertRowid,
    );
    const other = Number(
      insUser.run('bench-instructor2@oberih.bench', 'Бенч Інструктор Два', 'instructor', hash, 'uk', iso(base))
        .lastInsertRowid,
    );
    insUser.run('bench-admin@oberih.bench', 'Бенч Адміністратор', 'admin', hash, 'uk', iso(base));
    for (let i = 0; i < o.learners; i++) {
      const email = `learner${String(i + 1).padStart(5, '0')}@oberih.bench`;
      const name = `${LAST[i % LAST.length]} ${FIRST[Math.floor(i / LAST.length) % FIRST.length]} ${i + 1}`;
      const role = i % 5 === 4 ? 'officer' : 'cadet';
      const id = Number(insUser.run(email, name, role, hash, 'uk', iso(base + (i % 1000) * 60_000)).lastInsertRowid);
      learners.push({ id, email, name, fresh: i >= o.learners - o.fresh, ability: 0.45 + rand() * 0.5 });
    }
    for (let start = 0, n = 0; start < learners.length; start += o.cohortSize, n++) {
      const cohortId = Number(
        insCohort.run(
          `Бенч-група ${n + 1}`,
          'Університет внутрішніх справ',
          iso(base).slice(0, 10),
          iso(now + 60 * DAY).slice(0, 10),
          n === 0 ? instructor : other,
          iso(base),
        ).lastInsertRowid,
      );
      if (n === 0) reportCohortId = cohortId;
      cohorts++;
      for (const c of courses) insCourse.run(cohortId, c.course.id, iso(now + 30 * DAY).slice(0, 10));
      for (const l of learners.slice(start, start + o.cohortSize)) insMember.run(cohortId, l.id, iso(base));
    }
  })();

  // Progress: each learner works through a prefix of each course (everything, for learners who sit
  // assessments), then revisits pages and practises until their share of the events is reached.
  let events = 0;
  const modulesDone = new Map<string, number>();
  sqlite.transaction(() => {
    for (const [i, l] of learners.entries()) {
      // The share still owed, spread over the learners left (one who has seen nothing emits little).
      const perLearner = Math.ceil((o.events - events) / (learners.length - i));
      let n = 0;
      let t = base + Math.floor(rand() * 20) * DAY;
      const emit = (c: string, m: string, kind: string, score: number | null) => {
        t += 10 * 60_000 + Math.floor(rand() * 3 * 3600_000);
        const at = Math.min(t, now - DAY);
        insEvent.run(`seed-${l.id}-${n++}`, l.id, c, m, kind, score, iso(at), iso(at));
      };
      const done: [LoadedCourse, string[]][] = [];
      for (const { course } of courses) {
        const k = l.fresh ? Math.floor(rand() * (course.modules.length + 1)) : course.modules.length;
        modulesDone.set(`${l.id}|${course.id}`, k);
        const mods = course.modules.slice(0, k);
        done.push([o.catalog.courses.get(course.id)!, mods]);
        for (const m of mods) {
          emit(course.id, m, 'viewed', null);
          emit(course.id, m, 'completed', null);
        }
        if (k < course.modules.length && n < perLearner) emit(course.id, course.modules[k]!, 'viewed', null);
      }
      const visited = done.flatMap(([c, mods]) => mods.map((m) => [c.course.id, m] as const));
      while (n < perLearner && visited.length) {
        const [c, m] = visited[Math.floor(rand() * visited.length)]!;
        if (rand() < 0.3) emit(c, m, 'practice', Math.round(40 + rand() * 60));
        else emit(c, m, 'viewed', null);
      }
      events += n;
    }
  })();

  // Attempts: exactly `o.attempts`, 1–3 per sitting (learner × course); the last one of a sitting passes
  // with high odds, the earlier ones are weaker tries that fail.
  const sitters = learners.filter((l) => !l.fresh);
  const sittings = sitters.flatMap((l) =>
    courses.filter((c) => c.pool?.length && c.course.assessment).map((c) => ({ l, c })),
  );
  if (o.attempts > sittings.length * 3)
    throw new Error(`${o.attempts} attempts need more learners (at most 3 per sitting, ${sittings.length} sittings)`);
  const perSitting = Math.floor(o.attempts / sittings.length);
  let extra = o.attempts - perSitting * sittings.length;
  let attempts = 0;
  let responses = 0;
  let completions = 0;
  const certificateCodes: string[] = [];
  sqlite.transaction(() => {
    for (const { l, c } of sittings) {
      const { course } = c;
      const settings = course.assessment!;
      const pool = c.pool!;
      const byId = new Map(pool.map((q) => [q.id, q]));
      const tries = Math.min(3, perSitting + (extra-- > 0 ? 1 : 0));
      if (tries === 0) continue;
      let t = base + 60 * DAY + Math.floor(rand() * 50 * DAY);
      for (let n = 0; n < tries; n++) {
        const last = n === tries - 1;
        const drawn = drawQuestions(pool, settings.questions, rand);
        const questions = drawn.map((d) => byId.get(d.id)!);
        const p = last ? Math.min(0.99, l.ability + 0.35) : l.ability * 0.6;
        const given: Record<string, Response> = {};
        for (const q of questions) given[q.id] = rand() < p ? correctResponse(q) : wrongResponse(q);
        const result = scoreAttempt(questions, given);
        const passed = isPassed(result.score, course.passMark);
        const id = seededUuid(rand);
        const started = t;
        const submitted = started + (8 + Math.floor(rand() * 30)) * 60_000;
        insAttempt.run(
          id,
          l.id,
          course.id,
          course.version,
          'uk',
          JSON.stringify(drawn),
          iso(started),
          settings.timeLimitMinutes ? iso(started + settings.timeLimitMinutes * 60_000) : null,
          iso(submitted),
          result.score,
          passed ? 1 : 0,
        );
        for (const qs of result.questions) insResponse.run(id, qs.id, JSON.stringify(given[qs.id] ?? null), qs.score);
        attempts++;
        responses += result.questions.length;
        t = submitted + (1 + Math.floor(rand() * 5)) * DAY;
        if (passed && modulesDone.get(`${l.id}|${course.id}`) === course.modules.length) {
          const completionId = Number(
            insCompletion.run(l.id, course.id, course.version, id, result.score, iso(submitted)).lastInsertRowid,
          );
          completions++;
          const row = {
            code: formatCode(crypto.randomBytes(20)),
            name_printed: l.name,
            course_id: course.id,
            content_version: course.version,
            issued_at: iso(submitted),
            expires_at: certificateExpiry(course, new Date(submitted))?.toISOString() ?? null,
          };
          const signature = `${signer.kid}.${encodeBase64urlNoPadding(signer.sign(payloadBytes(payloadOf(row, signer.kid))))}`;
          const revoked = rand() < 0.01;
          insCert.run(
            row.code,
            l.id,
            completionId,
            course.id,
            course.version,
            l.name,
            result.score,
            row.issued_at,
            row.expires_at,
            revoked ? iso(now - DAY) : null,
            revoked ? 'бенчмарк' : null,
            signature,
          );
          certificateCodes.push(row.code);
          break;
        }
        if (passed) break;
      }
    }
  })();
  // Passed sittings stop early, so top up with extra tries on learners with attempts left until the count is exact.
  if (attempts < o.attempts) {
    sqlite.transaction(() => {
      const left = sqlite
        .prepare('select user_id, course_id, count(*) as n from attempts group by user_id, course_id having n < 3')
        .all() as { user_id: number; course_id: string; n: number }[];
      for (const r of left) {
        const c = o.catalog.courses.get(r.course_id)!;
        const byId = new Map(c.pool!.map((q) => [q.id, q]));
        for (let n = r.n; n < 3 && attempts < o.attempts; n++) {
          const drawn = drawQuestions(c.pool!, c.course.assessment!.questions, rand);
          const questions = drawn.map((d) => byId.get(d.id)!);
          const given: Record<string, Response> = {};
          for (const q of questions) given[q.id] = rand() < 0.7 ? correctResponse(q) : wrongResponse(q);
          const result = scoreAttempt(questions, given);
          const id = seededUuid(rand);
          const started = now - (2 + Math.floor(rand() * 10)) * DAY;
          insAttempt.run(
            id,
            r.user_id,
            c.course.id,
            c.course.version,
            'uk',
            JSON.stringify(drawn),
            iso(started),
            null,
            iso(started + 20 * 60_000),
            result.score,
            isPassed(result.score, c.course.passMark) ? 1 : 0,
          );
          for (const qs of result.questions) insResponse.run(id, qs.id, JSON.stringify(given[qs.id] ?? null), qs.score);
          attempts++;
          responses += result.questions.length;
        }
        if (attempts >= o.attempts) break;
      }
    })();
  }
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  const count = (t: string) => (sqlite.prepare(`select count(*) as n from ${t}`).get() as { n: number }).n;
  const counts = {
    users: count('users'),
    learners: learners.length,
    cohorts,
    reportCohortLearners: (
      sqlite.prepare('select count(*) as n from cohort_members where cohort_id = ?').get(reportCohortId) as {
        n: number;
      }
    ).n,
    progressEvents: count('progress_events'),
    attempts: count('attempts'),
    attemptResponses: count('attempt_responses'),
    completions: count('completions'),
    certificates: count('certificates'),
  };
  sqlite.close();
  if (
    counts.progressEvents !== events ||
    counts.attempts !== attempts ||
    completions !== counts.completions ||
    responses !== counts.attemptResponses
  )
    throw new Error('seed counts disagree with the rows written');
  return {
    ms: Math.round(performance.now() - t0),
    counts,
    instructorEmail,
    reportCohortId,
    activeEmails: learners.filter((l) => !l.fresh).map((l) => l.email),
    freshEmails: learners.filter((l) => l.fresh).map((l) => l.email),
    certificateCodes,
  };
}
