/** Astro content collections: module pages and lesson plans (MDX). YAML data is loaded by `lib/catalog.ts`. */
import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { lessonPlanFrontmatterSchema, moduleFrontmatterSchema } from '../courses/schema/module.ts';

const base = `${process.env.CONTENT_DIR ?? './content'}/courses`;

export const collections = {
  modules: defineCollection({
    loader: glob({ pattern: '*/{uk,en}/[0-9][0-9]-*.mdx', base }),
    schema: moduleFrontmatterSchema,
  }),
  plans: defineCollection({
    loader: glob({ pattern: '*/{uk,en}/plans/*.mdx', base }),
    schema: lessonPlanFrontmatterSchema,
  }),
};
