// sched.ts — yielding to the host event loop and sleeping, in Node and in browsers alike.
//
// The run loop is synchronous Wasm in between exits; it yields now and then so console input,
// timers and UI events get a turn. setImmediate (Node) and MessageChannel (browsers) avoid the
// 4 ms clamp that nested setTimeout(0) has in browsers.

type Resume = () => void;

const immediate: ((cb: Resume) => void) | undefined = (() => {
  const g = globalThis as { setImmediate?: (cb: Resume) => unknown };
  if (typeof g.setImmediate === "function") return (cb: Resume) => void g.setImmediate!(cb);
  if (typeof MessageChannel === "function") {
    const channel = new MessageChannel();
    const queue: Resume[] = [];
    channel.port1.onmessage = () => queue.shift()?.();
    return (cb: Resume) => {
      queue.push(cb);
      channel.port2.postMessage(0);
    };
  }
  return undefined;
})();

/** Let pending I/O callbacks run, then continue. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => (immediate ? immediate(resolve) : setTimeout(resolve, 0)));
}

/**
 * Sleep for up to `ms` milliseconds, or until `wake()` of the returned handle is called
 * (a device raised an interrupt while the guest idles in WFI).
 */
export class Sleeper {
  private wakeCurrent: Resume | undefined;

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.max(0, ms));
      const self = this;
      function done(): void {
        clearTimeout(timer);
        if (self.wakeCurrent === done) self.wakeCurrent = undefined;
        resolve();
      }
      this.wakeCurrent = done;
    });
  }

  /** End the current sleep early (no effect when not sleeping). */
  wake(): void {
    this.wakeCurrent?.();
  }
}
