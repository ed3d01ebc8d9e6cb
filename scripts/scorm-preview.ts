/**
 * `npm run scorm:preview -- <package.zip> [--port 4400]`: runs a SCORM package in the browser with
 * scorm-again as the LMS. The harness page provides `window.API` (1.2) or `window.API_1484_11`
 * (2004), shows the package in a frame and every CMI value live; it keeps the learner's data between
 * launches like an LMS (reload the page to relaunch, with `entry=resume` after a suspend).
 * The browser tests use `startPreview()` the same way.
 *
 * `--moodle` (`{ moodle: true }`) adds what Moodle's player does around the API (issue #25): an
 * attempt whose status is completed, passed or failed is reopened in `review` mode (`no-credit`);
 * a SCORM 2004 model is handed back only after `exit = suspend` (blank otherwise); and once the test
 * sets `harness.leaving`, every save is a beacon carrying the whole data model, refused beyond 64 KB
 * in flight, as Chromium does (`harness.beacons`).
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { unzipSync } from 'fflate';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.xml': 'application/xml; charset=utf-8',
  '.xsd': 'application/xml; charset=utf-8',
  '.dtd': 'application/xml-dtd',
  '.json': 'application/json',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.woff2': 'font/woff2',
};

/** Elements an LMS keeps between launches (1.2 and 2004). Write-only ones (session_time, exit, interactions in 1.2) are not reloaded. */
const KEPT =
  /^cmi\.(suspend_data|core\.lesson_location|location|core\.lesson_status|completion_status|success_status|progress_measure|core\.score\.(raw|min|max)|score\.(raw|min|max|scaled))$/;

export interface Preview {
  url: string;
  version: '1.2' | '2004';
  /** The CMI values the LMS would keep, as last committed. */
  state(): Record<string, string>;
  /** Forget the learner's data (a new learner). */
  reset(): void;
  close(): Promise<void>;
}

function harnessHtml(version: '1.2' | '2004', title: string, moodle: boolean): string {
  const api = version === '1.2' ? 'API' : 'API_1484_11';
  const cls = version === '1.2' ? 'Scorm12API' : 'Scorm2004API';
  const ev =
    version === '1.2'
      ? { init: 'LMSInitialize', set: 'LMSSetValue.cmi.*', commit: 'LMSCommit', finish: 'LMSFinish' }
      : { init: 'Initialize', set: 'SetValue.cmi.*', commit: 'Commit', finish: 'Terminate' };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SCORM preview · ${title.replace(/</g, '&lt;')}</title>
<style>
  body { margin: 0; font: 14px system-ui, sans-serif; display: grid; grid-template-columns: minmax(0, 1fr) 26rem; height: 100vh; }
  iframe { width: 100%; height: 100%; border: 0; border-right: 1px solid #ccc; }
  aside { overflow: auto; padding: .5rem 1rem; background: #f7f7f5; }
  table { border-collapse: collapse; width: 100%; font-size: 12px; }
  td { border-bottom: 1px solid #ddd; padding: 2px 4px; vertical-align: top; word-break: break-all; }
  td:first-child { font-family: monospace; white-space: nowrap; }
  h1 { font-size: 15px; }
</style>
<script src="/_harness/${version === '1.2' ? 'scorm12' : 'scorm2004'}.js"></script>
</head><body>
<iframe id="sco" title="SCORM package"></iframe>
<aside><h1>SCORM ${version} · scorm-again LMS</h1>
<p id="calls"></p>
<table><tbody id="cmi"></tbody></table></aside>
<script>
(async () => {
  const state = await (await fetch('/_harness/state')).json();
  const api = new ${cls}({ autocommit: false, logLevel: 5 });
  const moodle = ${moodle};
  const v12 = ${version === '1.2'};
  const suspended = state[v12 ? 'cmi.core.exit' : 'cmi.exit'] === 'suspend';
  const finished = ['completed', 'passed', 'failed'].includes(state[v12 ? 'cmi.core.lesson_status' : 'cmi.completion_status']);
  // Moodle (get_scorm_default): a 2004 model comes back only after a suspend.
  const kept = moodle && !v12 && !suspended ? {} : state;
  const load = {};
  for (const [k, v] of Object.entries(kept)) load[k] = v;
  if (suspended) load[v12 ? 'cmi.core.entry' : 'cmi.entry'] = 'resume';
  delete load['cmi.core.exit']; delete load['cmi.exit'];
  // Moodle (scorm_check_mode): a finished attempt reopens in review, without credit.
  const mode = moodle && finished ? 'review' : 'normal';
  if (moodle) Object.assign(load, v12
    ? { 'cmi.core.lesson_mode': mode, 'cmi.core.credit': mode === 'normal' ? 'credit' : 'no-credit' }
    : { 'cmi.mode': mode, 'cmi.credit': mode === 'normal' ? 'credit' : 'no-credit' });
  if (Object.keys(load).length) api.loadFromFlattenedJSON(load);
  const harness = window.harness = { cmi: { ...kept }, log: [], calls: { initialize: 0, commit: 0, finish: 0 }, version: '${version}', mode, leaving: false, beacons: [] };
  let inFlight = 0;
  /** Moodle's post: every element the SCO set, URL-encoded (datamodels/scorm_13.js CollectData). */
  const postBytes = () => new TextEncoder().encode(Object.entries(harness.cmi).map(([k, v]) => '&' + k.replace(/\\./g, '__') + '=' + encodeURIComponent(v)).join('')).length;
  const render = () => {
    document.getElementById('calls').textContent = 'Initialize ×' + harness.calls.initialize + ' · Commit ×' + harness.calls.commit + ' · Finish ×' + harness.calls.finish;
    document.getElementById('cmi').innerHTML = Object.keys(harness.cmi).sort().map((k) => '<tr><td>' + k + '</td><td>' + String(harness.cmi[k]).replace(/&/g, '&amp;').replace(/</g, '&lt;') + '</td></tr>').join('');
  };
  const save = (final) => {
    if (moodle && harness.leaving) {
      const bytes = postBytes();
      const accepted = inFlight + bytes <= 65536;
      harness.beacons.push({ call: final ? 'terminate' : 'commit', bytes, accepted });
      if (!accepted) return;
      inFlight += bytes;
    }
    const kept = {};
    for (const [k, v] of Object.entries(harness.cmi)) if (${KEPT}.test(k) || k === 'cmi.core.exit' || k === 'cmi.exit') kept[k] = v;
    const body = JSON.stringify(kept);
    if (final && navigator.sendBeacon) navigator.sendBeacon('/_harness/state', body);
    else fetch('/_harness/state', { method: 'POST', body, keepalive: true });
  };
  api.on('${ev.init}', () => { harness.calls.initialize++; render(); });
  api.on('${ev.set}', (el, v) => { harness.cmi[el] = String(v); harness.log.push([el, String(v)]); render(); });
  api.on('${ev.commit}', () => { harness.calls.commit++; save(false); render(); });
  api.on('${ev.finish}', () => { harness.calls.finish++; save(true); render(); });
  window.${api} = api;
  render();
  document.getElementById('sco').src = '/pkg/index.html';
})();
</script>
</body></html>`;
}

/** Serve `zip` (a path or the bytes) on 127.0.0.1 under the harness page. */
export async function startPreview(
  zip: string | Uint8Array,
  opts: { port?: number; host?: string; moodle?: boolean } = {},
): Promise<Preview> {
  const files = unzipSync(typeof zip === 'string' ? fs.readFileSync(zip) : zip);
  const manifest = files['imsmanifest.xml'];
  if (!manifest) throw new Error('not a SCORM package: no imsmanifest.xml at the root of the zip');
  const xml = new TextDecoder().decode(manifest);
  const version = /<schemaversion>\s*1\.2\s*<\/schemaversion>/.test(xml) ? '1.2' : '2004';
  const title = /<title>([^<]*)<\/title>/.exec(xml)?.[1] ?? 'package';
  let state: Record<string, string> = {};
  const dist = path.resolve('node_modules/scorm-again/dist');

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, type: string, body: string | Uint8Array) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (url.pathname === '/') return send(200, TYPES['.html']!, harnessHtml(version, title, opts.moodle ?? false));
    if (url.pathname === '/favicon.ico') return send(204, 'image/x-icon', '');
    if (url.pathname === '/_harness/scorm12.js')
      return send(200, TYPES['.js']!, fs.readFileSync(path.join(dist, 'scorm12.min.js')));
    if (url.pathname === '/_harness/scorm2004.js')
      return send(200, TYPES['.js']!, fs.readFileSync(path.join(dist, 'scorm2004.min.js')));
    if (url.pathname === '/_harness/state') {
      if (req.method === 'POST') {
        let body = '';
        req.on('data', (d) => (body += d));
        req.on('end', () => {
          try {
            state = JSON.parse(body);
          } catch {
            /* ignore a torn beacon */
          }
          send(204, 'text/plain', '');
        });
        return;
      }
      return send(200, TYPES['.json']!, JSON.stringify(state));
    }
    if (url.pathname.startsWith('/pkg/')) {
      const name = decodeURIComponent(url.pathname.slice(5));
      const f = files[name];
      if (f) return send(200, TYPES[path.extname(name)] ?? 'application/octet-stream', f);
    }
    send(404, 'text/plain; charset=utf-8', `not in the package: ${url.pathname}`);
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const addr = server.address() as { port: number };
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${addr.port}/`,
    version,
    state: () => ({ ...state }),
    reset: () => {
      state = {};
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function main() {
  const { values, positionals } = parseArgs({
    options: { port: { type: 'string', default: '4400' }, moodle: { type: 'boolean', default: false } },
    allowPositionals: true,
  });
  const zip = positionals[0];
  if (!zip) {
    console.error('usage: npm run scorm:preview -- <package.zip> [--port 4400] [--moodle]');
    process.exit(2);
  }
  if (!fs.existsSync(zip)) {
    console.error(`no such file: ${zip} (export packages first: npm run export:scorm)`);
    process.exit(1);
  }
  const p = await startPreview(zip, { port: Number(values.port), moodle: values.moodle });
  console.log(`SCORM ${p.version} preview of ${path.basename(zip)}: ${p.url}  (Ctrl+C to stop)`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((e: Error) => {
    console.error(`scorm:preview failed: ${e.message}`);
    process.exit(1);
  });
}
