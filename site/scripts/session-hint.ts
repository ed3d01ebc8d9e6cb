/**
 * Who is signed in on this device. The session cookie is HttpOnly (scripts cannot read it), so the
 * sign-in page leaves a non-secret marker with the user's id; the server remains the judge (a 401
 * clears it). The id keeps one person's queued events and answers apart from the next person's on a
 * shared device.
 */
const KEY = 'oberih.signedIn';
export const signedInUser = (): string | null => {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
};
export const isSignedIn = () => !!signedInUser();
export const setSignedIn = (userId: number | string | false) => {
  try {
    if (userId !== false) localStorage.setItem(KEY, String(userId));
    else localStorage.removeItem(KEY);
  } catch {
    /* private mode */
  }
};
