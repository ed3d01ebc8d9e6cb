/**
 * The in-process LTI worker: on a timer it sends due scores, refreshes the rosters an instructor
 * launch asked for, and deletes expired launch state. Started where the server starts, stopped on
 * close; tests call `tick()` directly with a fake clock.
 */
import { ltiRepo } from '../../db/repos/lti.ts';
import type { Deps } from '../deps.ts';
import { syncRoster } from './nrps.ts';
import { sendDueScores } from './scores.ts';

export function ltiWorker(deps: Pick<Deps, 'db' | 'now' | 'log' | 'config' | 'ltiKeyCipher'>) {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  async function tick() {
    const scores = await sendDueScores(deps);
    let rosters = 0;
    for (const ctx of await ltiRepo(deps.db).dueRosters()) {
      await syncRoster(deps, ctx.id).then(
        () => rosters++,
        () => undefined, // recorded on the context and logged by syncRoster
      );
    }
    await ltiRepo(deps.db).pruneLaunchData(deps.now().toISOString());
    return { ...scores, rosters };
  }
  return {
    tick,
    start(intervalMs = 15_000) {
      if (timer) return;
      timer = setInterval(() => {
        if (running) return;
        running = tick()
          .catch((e: Error) => deps.log.warn('lti worker failed', { error: e.message }))
          .finally(() => (running = null));
      }, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}
