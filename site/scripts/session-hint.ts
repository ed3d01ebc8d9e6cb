/**
 * Who is signed in on this device. The session cookie is HttpOnly (scripts cannot read it), so the
 * sign-in page leaves a non-secret marker with the user's id; the server remains the judge (a 401
 * clears it). The id keeps one person's queued events and answers apart from the next person's on a
 * shared device.
 */
const KEY = 'oberih.signedIn';
/** Name and role for the header (site/scripts/site-header.ts), so a page can show them before it is painted. */
const WHO_KEY = 'oberih.who';

export interface Who {
  id: string;
  name: string;
  role: string;
  /** When the server last confirmed it (ms since the epoch). */
  checked: number;
}

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
    else {
      localStorage.removeItem(KEY);
      localStorage.removeItem(WHO_KEY);
    }
  } catch {
    /* private mode */
  }
};

/** The signed-in person's name and role, only while they belong to the id marked as signed in. */
export const signedInWho = (): Who | null => {
  try {
    const who = JSON.parse(localStorage.getItem(WHO_KEY) ?? 'null') as Who | null;
    return who && typeof who.name === 'string' && who.id === signedInUser() ? who : null;
  } catch {
    return null;
  }
};

/** Remember who signed in (from the sign-in answer or `/api/me`); also marks them as signed in. */
export const setSignedInWho = (user: { id: number | string; full_name: string; role: string }) => {
  setSignedIn(user.id);
  try {
    const who: Who = { id: String(user.id), name: user.full_name, role: user.role, checked: Date.now() };
    localStorage.setItem(WHO_KEY, JSON.stringify(who));
  } catch {
    /* private mode */
  }
};
