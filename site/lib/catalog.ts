/**
 * The course catalog as the site sees it. In platform mode the graded pools are never read here,
 * so no answer key can reach the built pages; the SCORM build reads only the separate `scormPool`
 * (scored in the browser there).
 */
import fs from 'node:fs';
import { contentFsFrom, loadCatalog, type Catalog } from '../../courses/catalog.ts';
import type { Locale } from '../../courses/schema/common.ts';

export const MODE = (import.meta.env.OBERIH_MODE ?? 'platform') as 'platform' | 'scorm';
const CONTENT_DIR = (import.meta.env.CONTENT_DIR ?? './content') as string;

let cached: Catalog | undefined;
export function catalog(): Catalog {
  // The SCORM build reads only each course's `scormPool` (the platform pool never ships in a package).
  return (cached ??= loadCatalog(contentFsFrom(fs), CONTENT_DIR, { withPools: MODE === 'scorm' ? 'scorm' : false }));
}

export function courseList() {
  return [...catalog().courses.values()];
}

export const coursePath = (locale: Locale, course: string) => `/${locale}/courses/${course}/`;
export const modulePath = (locale: Locale, course: string, module: string) => `/${locale}/courses/${course}/${module}/`;
