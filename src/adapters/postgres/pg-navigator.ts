/**
 * Imported just before pg, so that pg loads without the cost of its Cloudflare Workers probe: where
 * there is no `navigator` (Node 20) pg builds a `Response` to tell, which loads Node's fetch
 * (undici), some 70 ms of every command's start. A `navigator` that is not a Worker's answers the
 * probe; postgres-adapter.ts takes it away again once pg is loaded (takeAwayNavigator).
 */
const global = globalThis as { navigator?: unknown };
const setHere = !('navigator' in global);
if (setHere) global.navigator = { userAgent: 'Node.js' };

/** Removes the `navigator` set for pg's probe (none if the process had one of its own). */
export function takeAwayNavigator(): void {
  if (setHere) delete global.navigator;
}
