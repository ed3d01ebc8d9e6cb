import type { SessionUser } from './auth/session.ts';
import type { Deps } from './deps.ts';

export interface AppEnv {
  Variables: {
    deps: Deps;
    user: SessionUser | null;
    /** Hash of the current session's token (the session id), when signed in. */
    sessionId: string | null;
    requestId: string;
  };
}
