/**
 * Heavy UI work one piece per task: each piece waits for the ones queued before it and for a fresh
 * task (a macrotask), so drawing several charts never blocks the main thread in one long stretch
 * and input can be handled between them.
 */
let chain: Promise<unknown> = Promise.resolve();
/** Resolves in a new task (a macrotask): what the current task has left to do ends first. */
export const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export function inTurn<T>(fn: () => T | Promise<T>): Promise<T> {
  const run = chain.then(nextTask).then(fn);
  chain = run.catch(() => undefined);
  return run;
}

/** Resolves once `el` is within `margin` of the viewport (at once where IntersectionObserver is missing). */
export function nearViewport(el: Element, margin = '200px 0px'): { promise: Promise<void>; cancel: () => void } {
  if (typeof IntersectionObserver !== 'function') return { promise: Promise.resolve(), cancel: () => undefined };
  let io: IntersectionObserver | undefined;
  const promise = new Promise<void>((resolve) => {
    io = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          io!.disconnect();
          resolve();
        }
      },
      { rootMargin: margin },
    );
    io.observe(el);
  });
  return { promise, cancel: () => io?.disconnect() };
}

/**
 * Resolves in a task after the next frame has been presented (what is on screen now has been shown):
 * the second animation frame comes after the first one's paint.
 */
export const afterPaint = () =>
  new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 0))));
