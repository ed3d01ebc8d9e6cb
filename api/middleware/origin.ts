/**
 * The origin of a request's URL, parsed once per distinct scheme-and-host instead of once per
 * request and middleware (`new URL()` on every request showed in the server's CPU profile).
 */
const known = new Map<string, { origin: string; https: boolean }>();

/** `URL.origin` and whether the scheme is https, for an absolute http(s) URL such as `c.req.url`. */
export function originOf(url: string): { origin: string; https: boolean } {
  const slash = url.indexOf('/', url.indexOf('//') + 2);
  const key = slash < 0 ? url : url.slice(0, slash);
  let o = known.get(key);
  if (!o) {
    const u = new URL(url);
    o = { origin: u.origin, https: u.protocol === 'https:' };
    // Host headers come from clients: keep the memo small.
    if (known.size >= 64) known.clear();
    known.set(key, o);
  }
  return o;
}
