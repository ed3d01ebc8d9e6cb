/**
 * Finding the LMS API: the current window, then up the parent chain, then the opener (and its
 * parents), as ADL's API discovery algorithm describes (1.2 RTE 3.3.6.1; 2004 RTE 3.1.2.1 and the
 * "SCORM 2004 API discovery" sample). Windows of another origin throw on property access: each look
 * is guarded, and the walk continues past them (`parent` itself stays readable across origins).
 */
export interface FrameLike {
  parent?: FrameLike | null;
  top?: FrameLike | null;
  opener?: FrameLike | null;
}

/** ADL's sample gives up after 500 levels; real LMS frame sets are a few deep. */
const MAX_DEPTH = 20;

function read<T>(fn: () => T): T | null {
  try {
    return fn() ?? null;
  } catch {
    return null;
  }
}

function look(w: FrameLike, name: string): Record<string, unknown> | null {
  const api = read(() => (w as Record<string, unknown>)[name]);
  return api && typeof api === 'object' ? (api as Record<string, unknown>) : null;
}

function climb(start: FrameLike | null, name: string): Record<string, unknown> | null {
  let w = start;
  for (let i = 0; w && i <= MAX_DEPTH; i++) {
    const api = look(w, name);
    if (api) return api;
    const p = read(() => w!.parent);
    if (!p || p === w) return null;
    w = p;
  }
  return null;
}

/** The API object named `name` (`API` or `API_1484_11`) reachable from `win`, or null. */
export function findApi(win: FrameLike, name: string, opts: { opener?: boolean } = {}): Record<string, unknown> | null {
  const found = climb(win, name);
  if (found || opts.opener === false) return found;
  return climb(read(() => win.opener) ?? null, name) ?? climb(read(() => read(() => win.top)?.opener) ?? null, name);
}
