/**
 * The demo database: an admin, two instructors, a cohort of 30 cadets with varied, realistic
 * progress, three serving officers, and for the programme view (issue #23): four organisations in three
 * oblasts, a cohort of 12 cadets in Kyiv, 8 specialists of a children's service in Vinnytsia oblast, and
 * a national coordinator (the 3 officers stay under 5, so the dashboard shows suppression at work). Deterministic (seeded PRNG, fixed dates relative to a base
 * date) and re-runnable: running it twice changes nothing.
 */
import type { DB } from './connection.ts';
import { sql } from 'kysely';
import type { Role } from './schema.ts';
import { isPostgres } from './migrations/dialect.ts';
import { hashCode } from './enrolment-code.ts';
import { seededRng } from '../courses/scorm/common/draft.ts';

export const DEMO_ACCOUNTS: { email: string; password: string; role: Role; full_name: string }[] = [
  { email: 'admin@oberih.demo', password: 'demo-admin-2026', role: 'admin', full_name: 'Олена Адміністраторка' },
  {
    email: 'instructor@oberih.demo',
    password: 'demo-instructor-2026',
    role: 'instructor',
    full_name: 'Андрій Коваленко',
  },
  {
    email: 'instructor2@oberih.demo',
    password: 'demo-instructor-2026',
    role: 'instructor',
    full_name: 'Ірина Мельник',
  },
  { email: 'cadet@oberih.demo', password: 'demo-cadet-2026', role: 'cadet', full_name: 'Тарас Шевчук' },
  { email: 'officer@oberih.demo', password: 'demo-officer-2026', role: 'officer', full_name: 'Наталія Бондаренко' },
  {
    email: 'specialist@oberih.demo',
    password: 'demo-specialist-2026',
    role: 'specialist',
    full_name: 'Людмила Гончаренко',
  },
  {
    email: 'coordinator@oberih.demo',
    password: 'demo-coordinator-2026',
    role: 'coordinator',
    full_name: 'Віктор Яковенко',
  },
  // Consultation and supervision (issue #24): an investigator and a psychologist.
  {
    email: 'supervisor@oberih.demo',
    password: 'demo-supervisor-2026',
    role: 'supervisor',
    full_name: 'Віктор Гаврилюк',
  },
  {
    email: 'psychologist@oberih.demo',
    password: 'demo-supervisor-2026',
    role: 'supervisor',
    full_name: 'Леся Дорошенко',
  },
];

/** The demo supervisors' scopes: the investigator answers case questions nationally; the psychologist, wellbeing. */
const DEMO_SCOPES: Record<string, { psychologist: boolean; topics: string[] }> = {
  'supervisor@oberih.demo': {
    psychologist: false,
    topics: [
      'child-interview',
      'digital-evidence',
      'legal-qualification',
      'referral-multi-agency',
      'prevention-in-schools',
    ],
  },
  'psychologist@oberih.demo': { psychologist: true, topics: ['own-wellbeing', 'child-interview'] },
};
/** Every other seeded cadet (cadet01…cadet29@oberih.demo) and officer uses this password. */
export const DEMO_LEARNER_PASSWORD = 'demo-cadet-2026';
export const DEMO_ENROLMENT_CODE = 'LVIV-2026-DEMO-CODE';

const FIRST = [
  'Олександр',
  'Марія',
  'Дмитро',
  'Анна',
  'Максим',
  'Софія',
  'Богдан',
  'Юлія',
  'Василь',
  'Оксана',
  'Іван',
  'Катерина',
  'Роман',
  'Дарина',
  'Назар',
  'Вікторія',
  'Остап',
  'Ярослава',
  'Михайло',
  'Христина',
];
const LAST = [
  'Ткаченко',
  'Кравчук',
  'Олійник',
  'Шевченко',
  'Поліщук',
  'Лисенко',
  'Гнатюк',
  'Савчук',
  'Марченко',
  'Петренко',
  'Мороз',
  'Костенко',
  'Руденко',
  'Павленко',
  'Литвин',
];

export interface SeedCourse {
  id: string;
  modules: string[];
}

export interface SeedOptions {
  hash: (password: string) => Promise<string>;
  courses: SeedCourse[];
  /** The date the demo's activity is laid out around. */
  base: Date;
  /** Optional hook to add graded attempts once users and progress exist (the assessment module provides it). */
  afterProgress?: (db: DB, learners: { id: number; ability: number }[], rand: () => number) => Promise<void>;
}

/**
 * Seed the demo into an empty database, in one transaction. Only a database without any user is
 * seeded: an account that was erased or renamed (or any real data) is never re-created or mixed with
 * demo rows. Whether to seed at all (never in production, not with SEED_DEMO=0) is the caller's
 * decision: see `demoSeedRefusal`.
 */
/** The advisory lock key that serialises demo seeding on PostgreSQL (any fixed number). */
const SEED_LOCK = 20261129;

export async function seedDemo(db: DB, opts: SeedOptions): Promise<{ created: boolean }> {
  if (await hasUsers(db)) return { created: false };
  // Hashed before the transaction: the write lock should not wait on Argon2.
  const hashes = new Map<string, string>();
  for (const p of new Set([...DEMO_ACCOUNTS.map((a) => a.password), DEMO_LEARNER_PASSWORD]))
    hashes.set(p, await opts.hash(p));
  return db.transaction().execute(async (trx) => {
    // Two servers starting at once on an empty PostgreSQL database would both find no users and both
    // seed (one then fails on a unique key and exits): the second waits here until the first commits.
    // SQLite's write lock already serialises the two transactions.
    if (isPostgres(trx)) await sql`select pg_advisory_xact_lock(${SEED_LOCK})`.execute(trx);
    if (await hasUsers(trx)) return { created: false };
    await fill(trx, opts, hashes);
    return { created: true };
  });
}

const hasUsers = async (db: DB) => !!(await db.selectFrom('users').select('id').limit(1).executeTakeFirst());

/** Why the demo must not be seeded here, or null when it may (first start of an empty database in development). */
export function demoSeedRefusal(env: { NODE_ENV?: string; SEED_DEMO?: string }): string | null {
  if (env.NODE_ENV === 'production')
    return 'NODE_ENV=production: demo accounts with published passwords are never created';
  if (env.SEED_DEMO === '0') return 'SEED_DEMO=0';
  return null;
}

async function fill(db: DB, opts: SeedOptions, hashes: Map<string, string>) {
  // The same PRNG as attempt draws: the demo is the same on every machine.
  const rand = seededRng(20261129);
  const hashOf = async (p: string) => hashes.get(p) ?? (hashes.set(p, await opts.hash(p)), hashes.get(p)!);
  const day = 86400000;
  const at = (daysAgo: number, minutes = 0) =>
    new Date(opts.base.getTime() - daysAgo * day + minutes * 60000).toISOString();

  const ids: Record<string, number> = {};
  for (const a of DEMO_ACCOUNTS) {
    const row = await db
      .insertInto('users')
      .values({
        email: a.email,
        full_name: a.full_name,
        role: a.role,
        password_hash: await hashOf(a.password),
        locale: 'uk',
        created_at: at(60),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids[a.email] = row.id;
    const scope = DEMO_SCOPES[a.email];
    if (scope)
      await db
        .insertInto('supervisor_profiles')
        .values({
          user_id: row.id,
          psychologist: scope.psychologist ? 1 : 0,
          topics: JSON.stringify(scope.topics),
          oblasts: JSON.stringify(['ALL']),
          updated_at: at(60),
        })
        .execute();
  }
  const org = async (
    kind: 'university' | 'police_unit' | 'childrens_service',
    name_uk: string,
    name_en: string,
    oblast_code: string,
  ) =>
    (
      await db
        .insertInto('organisations')
        .values({ kind, name_uk, name_en, oblast_code, created_at: at(60) })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const lvivUniversity = await org(
    'university',
    'Львівський державний університет внутрішніх справ',
    'Lviv State University of Internal Affairs',
    '46',
  );
  const vinnytsiaPolice = await org(
    'police_unit',
    'ГУНП у Вінницькій області',
    'Main Directorate of the National Police in Vinnytsia Oblast',
    '05',
  );
  const vinnytsiaChildren = await org(
    'childrens_service',
    'Служба у справах дітей Вінницької обласної військової адміністрації',
    "Children's Service of the Vinnytsia Oblast Military Administration",
    '05',
  );
  const kyivAcademy = await org(
    'university',
    'Національна академія внутрішніх справ',
    'National Academy of Internal Affairs',
    '80',
  );
  await db
    .insertInto('coordinator_scopes')
    .values({ user_id: ids['coordinator@oberih.demo']!, scope: 'national', created_at: at(60) })
    .execute();
  const cohort = await db
    .insertInto('cohorts')
    .values({
      organisation_id: lvivUniversity,
      name: 'Курсанти 2026, група 3',
      unit: 'Львівський державний університет внутрішніх справ',
      starts_on: at(45).slice(0, 10),
      ends_on: at(-90).slice(0, 10),
      owner_id: ids['instructor@oberih.demo']!,
      created_at: at(50),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const otherCohort = await db
    .insertInto('cohorts')
    .values({
      organisation_id: vinnytsiaPolice,
      name: 'Ювенальна превенція, Вінницька обл.',
      unit: 'ГУНП у Вінницькій області',
      starts_on: at(30).slice(0, 10),
      ends_on: at(-60).slice(0, 10),
      owner_id: ids['instructor2@oberih.demo']!,
      created_at: at(40),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const initial = opts.courses.find((c) => c.id === 'initial-online-abuse') ?? opts.courses[0];
  const refresher = opts.courses.find((c) => c.id === 'inservice-refresher');
  const prevention = opts.courses.find((c) => c.id === 'prevention-in-schools');
  if (initial)
    await db
      .insertInto('cohort_courses')
      .values({ cohort_id: cohort.id, course_id: initial.id, due_on: at(-21).slice(0, 10) })
      .execute();
  if (refresher)
    await db
      .insertInto('cohort_courses')
      .values({ cohort_id: otherCohort.id, course_id: refresher.id, due_on: at(-30).slice(0, 10) })
      .execute();
  if (prevention)
    await db
      .insertInto('cohort_courses')
      .values({ cohort_id: otherCohort.id, course_id: prevention.id, due_on: at(-45).slice(0, 10) })
      .execute();

  await db
    .insertInto('enrolment_codes')
    .values({
      code_hash: hashCode(DEMO_ENROLMENT_CODE),
      hint: DEMO_ENROLMENT_CODE.slice(0, 4),
      cohort_id: cohort.id,
      role: 'cadet',
      expires_at: at(-60),
      max_seats: 40,
      created_at: at(45),
    })
    .execute();

  const learners: { id: number; ability: number; course: SeedCourse | undefined }[] = [];
  const learnerHash = await hashOf(DEMO_LEARNER_PASSWORD);
  const cadetIds = [ids['cadet@oberih.demo']!];
  for (let i = 1; i < 30; i++) {
    const name = `${FIRST[i % FIRST.length]} ${LAST[(i * 7) % LAST.length]}`;
    const row = await db
      .insertInto('users')
      .values({
        email: `cadet${String(i).padStart(2, '0')}@oberih.demo`,
        full_name: name,
        role: 'cadet',
        password_hash: learnerHash,
        locale: 'uk',
        created_at: at(45),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    cadetIds.push(row.id);
  }
  for (const id of cadetIds) {
    await db
      .insertInto('cohort_members')
      .values({ cohort_id: cohort.id, user_id: id, joined_at: at(44) })
      .execute();
    learners.push({ id, ability: rand(), course: initial });
  }
  const officerIds = [ids['officer@oberih.demo']!];
  for (let i = 1; i < 3; i++) {
    const row = await db
      .insertInto('users')
      .values({
        email: `officer${String(i).padStart(2, '0')}@oberih.demo`,
        full_name: `${FIRST[(i * 3) % FIRST.length]} ${LAST[(i * 5) % LAST.length]}`,
        role: 'officer',
        password_hash: learnerHash,
        locale: 'uk',
        created_at: at(30),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    officerIds.push(row.id);
  }
  for (const id of officerIds) {
    await db
      .insertInto('cohort_members')
      .values({ cohort_id: otherCohort.id, user_id: id, joined_at: at(29) })
      .execute();
    learners.push({ id, ability: 0.5 + rand() / 2, course: refresher });
  }

  // The programme view: 12 cadets in Kyiv and 8 specialists of a children's service (Vinnytsia oblast).
  const extra = async (
    organisation_id: number,
    name: string,
    owner: string,
    course: SeedCourse | undefined,
    role: 'cadet' | 'specialist',
    n: number,
    prefix: string,
    first: number | null,
  ) => {
    const c = await db
      .insertInto('cohorts')
      .values({
        organisation_id,
        name,
        unit: name,
        starts_on: at(40).slice(0, 10),
        ends_on: at(-60).slice(0, 10),
        owner_id: ids[owner]!,
        created_at: at(40),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (course)
      await db
        .insertInto('cohort_courses')
        .values({ cohort_id: c.id, course_id: course.id, due_on: at(-30).slice(0, 10) })
        .execute();
    const members = first === null ? [] : [first];
    const toCreate = n - members.length;
    for (let i = 1; i <= toCreate; i++) {
      const row = await db
        .insertInto('users')
        .values({
          email: `${prefix}${String(i).padStart(2, '0')}@oberih.demo`,
          full_name: `${FIRST[(i * 11 + prefix.length) % FIRST.length]} ${LAST[(i * 4 + 3) % LAST.length]}`,
          role,
          password_hash: learnerHash,
          locale: 'uk',
          created_at: at(40),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      members.push(row.id);
    }
    for (const id of members) {
      await db
        .insertInto('cohort_members')
        .values({ cohort_id: c.id, user_id: id, joined_at: at(39) })
        .execute();
      learners.push({ id, ability: rand(), course });
    }
  };
  await extra(kyivAcademy, 'Курсанти НАВС 2026', 'admin@oberih.demo', initial, 'cadet', 12, 'kyivcadet', null);
  await extra(
    vinnytsiaChildren,
    'Фахівці служби у справах дітей, Вінниччина',
    // The programme's extra cohorts belong to the admin: each demo instructor keeps the one cohort the
    // instructor walkthrough and its tests show.
    'admin@oberih.demo',
    prevention,
    'specialist',
    8,
    'specialist',
    ids['specialist@oberih.demo']!,
  );

  // Progress: the stronger the learner, the further along; a few never started (the at-risk list).
  const events: {
    client_id: string;
    user_id: number;
    course_id: string;
    module_id: string;
    kind: 'viewed' | 'completed' | 'practice';
    score: number | null;
    occurred_at: string;
    received_at: string;
  }[] = [];
  let n = 0;
  for (const l of learners) {
    if (!l.course) continue;
    const mods = l.course.modules;
    const reached =
      l.id === ids['cadet@oberih.demo'] ? Math.ceil(mods.length / 2) : Math.floor(l.ability * (mods.length + 1.5));
    for (let m = 0; m < Math.min(reached, mods.length); m++) {
      const d = 40 - m * 5 - Math.floor(rand() * 4);
      const push = (kind: 'viewed' | 'completed' | 'practice', minutes: number, score: number | null = null) =>
        events.push({
          client_id: `seed-${n++}`,
          user_id: l.id,
          course_id: l.course!.id,
          module_id: mods[m]!,
          kind,
          score,
          occurred_at: at(d, minutes),
          received_at: at(d, minutes),
        });
      // Heartbeats every 2 minutes (the cap per gap) and a practice pass: modules that count under the mastery rule.
      for (let minute = 0; minute < 35; minute += 2) push('viewed', minute);
      push('practice', 20, Math.round(80 + 20 * Math.min(1, l.ability + rand() * 0.3)));
      push('completed', 35);
    }
    if (reached < mods.length && reached > 0 && rand() > 0.3) {
      events.push({
        client_id: `seed-${n++}`,
        user_id: l.id,
        course_id: l.course.id,
        module_id: mods[reached]!,
        kind: 'viewed',
        score: null,
        occurred_at: at(3),
        received_at: at(3),
      });
    }
  }
  for (let i = 0; i < events.length; i += 200)
    await db
      .insertInto('progress_events')
      .values(events.slice(i, i + 200))
      .execute();
  if (opts.afterProgress)
    await opts.afterProgress(
      db,
      learners.map(({ id, ability }) => ({ id, ability })),
      rand,
    );
}
