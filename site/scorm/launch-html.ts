/** The launch page's HTML (written by scripts/export-scorm.ts at the package root). */
import type { LaunchConfig } from './bridge.ts';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function launchHtml(config: LaunchConfig, script: string): string {
  // `</` cannot end the JSON block early.
  const json = JSON.stringify(config).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="${config.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(config.title)}</title>
<link rel="icon" href="favicon.svg" type="image/svg+xml">
<style>
  html, body { margin: 0; height: 100%; }
  body { display: flex; flex-direction: column; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif; background: #fbfaf7; color: #1b2430; }
  #notice { margin: 0; padding: .6rem 1rem; background: #fff4e0; border-bottom: 2px solid #b35900; }
  #content { flex: 1; width: 100%; border: 0; }
</style>
</head>
<body>
<p id="notice" role="status" hidden></p>
<iframe id="content" title="${esc(config.strings['scorm.frameTitle'] ?? config.title)}"></iframe>
<script type="application/json" id="oberih-scorm-config">${json}</script>
<script src="${esc(script)}"></script>
</body>
</html>
`;
}
