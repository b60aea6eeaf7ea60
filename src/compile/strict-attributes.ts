/**
 * Property names that nunjucks, Node and test tools probe objects for (`length` in loops,
 * `__keywords` in calls, `then` for promises, `toJSON`, …): reading them is no template's mistake.
 */
const PROBES: ReadonlySet<string> = new Set(['length', 'then', 'toJSON', 'constructor', 'prototype', 'asymmetricMatch', '$$typeof', 'nodeType', 'tagName', 'inspect']);

/**
 * Wraps `value` so that reading an attribute it does not have calls `onUnknown` (which throws)
 * instead of giving undefined, which templates would render as ''. Symbols, inherited members
 * (`toString`) and the probes above pass through.
 */
export function strictAttributes<T extends object>(value: T, onUnknown: (name: string) => never): T {
  return new Proxy(value, {
    get(target, property, receiver) {
      if (typeof property === 'symbol' || property in target || PROBES.has(property) || property.startsWith('__')) {
        return Reflect.get(target, property, receiver) as unknown;
      }
      return onUnknown(property);
    },
  });
}
