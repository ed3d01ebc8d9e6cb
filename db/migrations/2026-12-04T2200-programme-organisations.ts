/**
 * Organisations (universities of internal affairs, police units, children's services, schools, NGOs),
 * each in one oblast (two-digit KATOTTH region code, content/data/oblasts.yaml); every cohort may belong
 * to one (`cohorts.organisation_id`); and coordinators' scopes (`coordinator_scopes`: an oblast code or
 * `national`). Existing cohorts are placed by their free-text `unit`: a unit that names an oblast (or its
 * centre) and a kind (university, police, …) becomes an organisation; any other stays unplaced for an
 * admin to assign. Certificates gain `role_printed` (the learner's role at issue). Frozen in time: never import application code here.
 */
import { sql, type Kysely } from 'kysely';
import { columnTypes } from './dialect.ts';

/** Region stems, most specific first (Kyiv oblast before the city of Kyiv). */
const OBLAST_STEMS: [string, RegExp][] = [
  ['32', /київськ\S* област|kyiv (oblast|region)/i],
  ['01', /крим|crimea/i],
  ['05', /вінниц|vinnyts/i],
  ['07', /волин|луцьк|volyn|lutsk/i],
  ['12', /дніпр|dnipr/i],
  ['14', /донець|маріупол|donets|mariupol/i],
  ['18', /житомир|zhytomyr/i],
  ['21', /закарпат|ужгород|zakarpat|uzhhorod/i],
  ['23', /запоріз|zaporiz/i],
  ['26', /івано-франків|ivano-frankiv/i],
  ['35', /кіровоград|кропивницьк|kirovohrad|kropyvnyts/i],
  ['44', /луган|luhan/i],
  ['46', /львів|lviv/i],
  ['48', /миколаїв|mykolai/i],
  ['51', /одес|odes/i],
  ['53', /полтав|poltav/i],
  ['56', /рівненськ|рівне|rivne/i],
  ['59', /сумськ|суми|sumy/i],
  ['61', /терноп|ternop/i],
  ['63', /харків|kharkiv/i],
  ['65', /херсон|kherson/i],
  ['68', /хмельниц|khmelnyts/i],
  ['71', /черкас|cherkas/i],
  ['73', /чернівец|chernivts/i],
  ['74', /чернігів|chernihiv/i],
  ['85', /севастопол|sevastopol/i],
  ['80', /київ|kyiv|національна академія внутрішніх справ|national academy of internal affairs/i],
];

const KINDS: [string, RegExp][] = [
  ['university', /університет|академі|інститут|university|academy|institute/i],
  ['police_unit', /гунп|поліц|police|відділ|управлінн/i],
  ['childrens_service', /служб\S* у справах дітей|children'?s service/i],
  ['school', /школ|ліце|гімназ|school|lyceum|gymnasium/i],
  ['ngo', /громадськ|благодійн|фонд|\bго\b|\bngo\b|charit/i],
];

/** English names of the units the pilot used; any other keeps its Ukrainian name until an admin edits it. */
const ENGLISH: Record<string, string> = {
  'Львівський державний університет внутрішніх справ': 'Lviv State University of Internal Affairs',
  'Національна академія внутрішніх справ': 'National Academy of Internal Affairs',
  'ГУНП у Вінницькій області': 'Main Directorate of the National Police in Vinnytsia Oblast',
  'ГУНП у Львівській області': 'Main Directorate of the National Police in Lviv Oblast',
  'ГУНП у м. Києві': 'Main Directorate of the National Police in Kyiv',
};

export function placeUnit(unit: string): { oblast: string; kind: string } | null {
  const oblast = OBLAST_STEMS.find(([, re]) => re.test(unit))?.[0];
  const kind = KINDS.find(([, re]) => re.test(unit))?.[0];
  return oblast && kind ? { oblast, kind } : null;
}

export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('organisations')
    .addColumn('id', 'integer', t.id)
    .addColumn('kind', 'text', (c) =>
      c.notNull().check(sql`kind in ('university','police_unit','childrens_service','school','ngo')`),
    )
    .addColumn('name_uk', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('oblast_code', 'text', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addUniqueConstraint('organisations_name_oblast', ['oblast_code', 'name_uk'])
    .execute();
  await db.schema
    .alterTable('cohorts')
    .addColumn('organisation_id', 'integer', (c) => c.references('organisations.id').onDelete('set null'))
    .execute();
  await db.schema.createIndex('cohorts_organisation').on('cohorts').column('organisation_id').execute();
  await db.schema
    .createTable('coordinator_scopes')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('coordinator_scopes_pk', ['user_id', 'scope'])
    .execute();

  // Certificates name the learner's role (cadet, officer, specialist) as it was at issue.
  await db.schema.alterTable('certificates').addColumn('role_printed', 'text').execute();

  // Place the existing cohorts by their unit strings.
  const units = await db.selectFrom('cohorts').select('unit').distinct().execute();
  const now = new Date().toISOString();
  for (const { unit } of units as { unit: string }[]) {
    const name = unit.trim();
    const place = placeUnit(name);
    if (!place) continue;
    await db
      .insertInto('organisations')
      .values({
        kind: place.kind,
        name_uk: name,
        name_en: ENGLISH[name] ?? name,
        oblast_code: place.oblast,
        created_at: now,
      })
      .onConflict((oc) => oc.columns(['oblast_code', 'name_uk']).doNothing())
      .execute();
    const org = await db
      .selectFrom('organisations')
      .select('id')
      .where('oblast_code', '=', place.oblast)
      .where('name_uk', '=', name)
      .executeTakeFirstOrThrow();
    await db.updateTable('cohorts').set({ organisation_id: org.id }).where('unit', '=', unit).execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('coordinator_scopes').execute();
  await db.schema.alterTable('certificates').dropColumn('role_printed').execute();
  await db.schema.dropIndex('cohorts_organisation').execute();
  await db.schema.alterTable('cohorts').dropColumn('organisation_id').execute();
  await db.schema.dropTable('organisations').execute();
}
