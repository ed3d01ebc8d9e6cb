/**
 * What an LTI link can open: a course, one of its modules, or its final assessment. The deep-linking
 * chooser lists these; a launch finds its target from the link's custom parameters (set by deep
 * linking) or from the target link URI's path.
 */
import type { Catalog } from '../../courses/catalog.ts';

export interface LinkTarget {
  kind: 'course' | 'module' | 'assessment';
  course: string;
  module?: string;
}

export interface CatalogueItem extends LinkTarget {
  id: string;
  title: string;
}

export const itemId = (t: LinkTarget) =>
  t.kind === 'module' ? `module:${t.course}:${t.module}` : `${t.kind}:${t.course}`;

export function catalogue(catalog: Catalog, locale: 'uk' | 'en'): CatalogueItem[] {
  const out: CatalogueItem[] = [];
  for (const { course, modules } of catalog.courses.values()) {
    const title = course.title[locale];
    out.push({ id: itemId({ kind: 'course', course: course.id }), kind: 'course', course: course.id, title });
    for (const m of modules[locale])
      out.push({
        id: itemId({ kind: 'module', course: course.id, module: m.id }),
        kind: 'module',
        course: course.id,
        module: m.id,
        title: `${title} — ${m.data.title}`,
      });
    if (course.assessment)
      out.push({
        id: itemId({ kind: 'assessment', course: course.id }),
        kind: 'assessment',
        course: course.id,
        title: `${title} — ${locale === 'uk' ? 'підсумкове оцінювання' : 'final assessment'}`,
      });
  }
  return out;
}

/** A target that exists in the catalogue, or null. */
export function checkTarget(catalog: Catalog, t: Partial<LinkTarget>): LinkTarget | null {
  if (!t.course) return null;
  const loaded = catalog.courses.get(t.course);
  if (!loaded) return null;
  if (t.kind === 'module') {
    if (!t.module || !loaded.course.modules.includes(t.module)) return null;
    return { kind: 'module', course: t.course, module: t.module };
  }
  if (t.kind === 'assessment') return loaded.course.assessment ? { kind: 'assessment', course: t.course } : null;
  return { kind: 'course', course: t.course };
}

export function targetFromItem(catalog: Catalog, id: string): LinkTarget | null {
  const [kind, course, module] = id.split(':');
  if (kind !== 'course' && kind !== 'module' && kind !== 'assessment') return null;
  return checkTarget(catalog, { kind, course, module });
}

/** From custom parameters `{ kind, course, module }` or a target link URI `/…/courses/<id>/[<module>|assessment]/`. */
export function targetOfLaunch(catalog: Catalog, custom: Record<string, unknown> | undefined, uri: string | undefined) {
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  if (custom && str(custom.course)) {
    const kind = str(custom.kind) ?? (str(custom.module) ? 'module' : 'course');
    const t = checkTarget(catalog, {
      kind: kind as LinkTarget['kind'],
      course: str(custom.course),
      module: str(custom.module),
    });
    if (t) return t;
  }
  if (uri) {
    try {
      const m = /\/courses\/([a-z0-9-]+)(?:\/([a-z0-9-]+))?\/?$/.exec(new URL(uri).pathname);
      if (m) {
        const sub = m[2];
        return checkTarget(catalog, {
          kind: !sub ? 'course' : sub === 'assessment' ? 'assessment' : 'module',
          course: m[1],
          module: sub,
        });
      }
    } catch {
      return null;
    }
  }
  return null;
}

export const pathOf = (locale: 'uk' | 'en', t: LinkTarget | null) =>
  !t
    ? `/${locale}/courses/`
    : `/${locale}/courses/${t.course}/${t.kind === 'module' ? `${t.module}/` : t.kind === 'assessment' ? 'assessment/' : ''}`;
