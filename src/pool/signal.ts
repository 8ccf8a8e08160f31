/**
 * Fan-out of one AbortSignal to many tasks. A job cut into 32 tasks, or a fan-out of one fit per
 * factor, shares the caller's signal; handing it to each task adds one 'abort' listener per task
 * and past 10 Node prints a MaxListenersExceededWarning (a false leak report on every long run).
 * Instead each task gets its own child signal and the parent carries a single relay listener,
 * whatever the number of tasks in flight; the relay is removed when the last task is released.
 */

interface Relay {
  readonly children: Set<AbortController>;
  readonly onAbort: () => void;
}

const relays = new WeakMap<AbortSignal, Relay>();

/** A task's view of `parent`: `signal` aborts with it (same reason); call `release` when the task settles. */
export interface TaskSignal {
  readonly signal: AbortSignal | undefined;
  release(): void;
}

const NO_SIGNAL: TaskSignal = { signal: undefined, release() {} };

export function taskSignal(parent: AbortSignal | undefined): TaskSignal {
  if (!parent) return NO_SIGNAL;
  const child = new AbortController();
  if (parent.aborted) {
    child.abort(parent.reason);
    return { signal: child.signal, release() {} };
  }
  let relay = relays.get(parent);
  if (!relay) {
    const children = new Set<AbortController>();
    const onAbort = (): void => {
      relays.delete(parent);
      for (const c of children) c.abort(parent.reason);
      children.clear();
    };
    relay = { children, onAbort };
    relays.set(parent, relay);
    parent.addEventListener('abort', onAbort, { once: true });
  }
  const r = relay;
  r.children.add(child);
  let released = false;
  return {
    signal: child.signal,
    release() {
      if (released) return;
      released = true;
      r.children.delete(child);
      if (r.children.size === 0 && relays.get(parent) === r) {
        relays.delete(parent);
        parent.removeEventListener('abort', r.onAbort);
      }
    },
  };
}
