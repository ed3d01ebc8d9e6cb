import { getCollection, type CollectionEntry } from 'astro:content';
import { catalog } from './catalog.ts';
import type { Locale } from '../../courses/schema/common.ts';

/** Every (locale, course) pair. */
export function coursePaths() {
  return [...catalog().courses.keys()].flatMap((course) =>
    (['uk', 'en'] as const).map((locale) => ({ params: { locale, course } })),
  );
}

/** Every module page with its MDX entry, neighbours and position. */
export async function modulePaths() {
  const entries = await getCollection('modules');
  const byId = new Map(entries.map((e: CollectionEntry<'modules'>) => [e.id, e]));
  const out: {
    params: { locale: Locale; course: string; module: string };
    props: { entry: CollectionEntry<'modules'>; index: number };
  }[] = [];
  for (const [slug, loaded] of catalog().courses) {
    for (const locale of ['uk', 'en'] as const) {
      for (const page of loaded.modules[locale]) {
        const id = `${slug}/${locale}/${String(page.index).padStart(2, '0')}-${page.id}`;
        const entry = byId.get(id);
        if (!entry) throw new Error(`module page ${id} is missing from the content collection`);
        out.push({ params: { locale, course: slug, module: page.id }, props: { entry, index: page.index } });
      }
    }
  }
  return out;
}
