/**
 * The package's launch page (index.html): finds the LMS API, holds the one SCORM session for the
 * whole visit and shows the course pages in a frame. Bundled on its own (scripts/export-scorm.ts),
 * so none of this reaches the platform's pages.
 */
import { findApi } from '../../courses/scorm/common/api-finder.ts';
import { ScormSession } from '../../courses/scorm/common/session.ts';
import { API_NAME } from '../../courses/scorm/common/spec.ts';
import { BRIDGE_NAME, createBridge, type LaunchConfig } from './bridge.ts';

const config = JSON.parse(document.getElementById('oberih-scorm-config')!.textContent!) as LaunchConfig;
const api = findApi(window, API_NAME[config.version]);
const session = new ScormSession(config.version, config.facts, api);
const tracking = session.start();
const bridge = createBridge(session, config.pages, location.href, true);
(window as unknown as Record<string, unknown>)[BRIDGE_NAME] = bridge;

const notice = document.getElementById('notice')!;
function say(text: string) {
  notice.textContent = text;
  notice.hidden = false;
}
if (session.readOnly) say(config.strings[session.readOnly === 'review' ? 'scorm.review' : 'scorm.noCredit']!);
else if (!tracking) say(config.strings['scorm.noLms']!);
else if (session.errors.length) say(config.strings['scorm.lmsError']!.replace('{error}', session.errors.join('; ')));

const frame = document.getElementById('content') as HTMLIFrameElement;
frame.src = config.pages[session.progress.bookmark] ?? config.pages['']!;

// Finish exactly once when the page goes away. `pagehide`, not `unload`: Chrome no longer runs unload
// handlers in many cases (and blocks them inside Moodle's frame); pagehide also fires for the bfcache.
// Nothing else is sent on the way out (no Commit on `visibilitychange` either): every step was
// committed when it happened, and each extra call is one more beacon with the LMS's whole data model.
addEventListener('pagehide', () => session.finish());
