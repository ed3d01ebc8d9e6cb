/**
 * Whether this browser has signed in. The session cookie is HttpOnly (scripts cannot read it), so the
 * login page leaves a non-secret marker; the server remains the judge (a 401 clears the marker).
 */
const KEY = 'oberih.signedIn';
export const isSignedIn = () => { try { return localStorage.getItem(KEY) === '1'; } catch { return false; } };
export const setSignedIn = (on: boolean) => { try { if (on) localStorage.setItem(KEY, '1'); else localStorage.removeItem(KEY); } catch { /* private mode */ } };
