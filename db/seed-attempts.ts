import type { Catalog } from '../courses/catalog.ts';
import type { SeedOptions } from './seed.ts';

/** Graded attempts for the demo; filled in by the assessment engine (see api/assessment). */
export function seedAttempts(_catalog: Catalog): SeedOptions['afterProgress'] {
  return undefined;
}
