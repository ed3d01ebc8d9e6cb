/// <reference types="astro/client" />
/// <reference path="../.astro/types.d.ts" />
// Plain `tsc` does not know .astro files (astro check does); give them a component type.
declare module '*.astro' {
  const Component: (props: Record<string, unknown>) => unknown;
  export default Component;
}
