/** Loads the consultation topics and holidays (content/consultation/*.yaml) once, validated. */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { holidaysFileSchema, topicsFileSchema, type Topic } from '../../courses/consultation/schema.ts';

const DIR = fileURLToPath(new URL('../../content/consultation/', import.meta.url));

function load<T>(file: string, schema: { parse(v: unknown): T }): T {
  try {
    return schema.parse(parse(fs.readFileSync(DIR + file, 'utf8')));
  } catch (e) {
    throw new Error(`content/consultation/${file}: ${(e as Error).message}`);
  }
}

let cached: { topics: Topic[]; holidays: Set<string>; holidayList: { date: string }[] } | undefined;

export function consultationData() {
  if (!cached) {
    const topics = load('topics.yaml', topicsFileSchema).topics;
    const holidays = load('holidays.yaml', holidaysFileSchema).holidays;
    cached = { topics, holidays: new Set(holidays.map((h) => h.date)), holidayList: holidays };
  }
  return cached;
}

export const topicById = (id: string) => consultationData().topics.find((t) => t.id === id);
