declare const PagefindUI: new (opts: Record<string, unknown>) => unknown;
const el = document.querySelector('[data-search]');
if (el && typeof PagefindUI !== 'undefined')
  new PagefindUI({ element: '[data-search]', showSubResults: true, showImages: false, resetStyles: false });
