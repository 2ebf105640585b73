// Secrets out of what is stored or logged: every exact occurrence of a secret the process knows
// becomes `[secret:NAME]`, in a string or anywhere in a JSON-like value (keys included). Pure: the
// secrets are handed in (cli/secrets.ts collects them once at start).

/** Shorter values are not scrubbed: they would replace ordinary words and numbers everywhere. */
export const MIN_SECRET_LENGTH = 8;

export interface Scrubber {
  /** A copy of `value` with every secret replaced; `value` itself when it holds none. */
  scrub<T>(value: T): T;
  scrubText(text: string): string;
  /** The names of the secrets it replaces (not their values). */
  readonly names: readonly string[];
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The scrubber of nothing: values pass through untouched. */
export const noScrubber: Scrubber = { scrub: (value) => value, scrubText: (text) => text, names: [] };

/**
 * `secrets` maps a name (an environment variable) to its value, or its values (a password and its
 * percent-encoded form). Values shorter than
 * MIN_SECRET_LENGTH are ignored; when two secrets overlap, the longest wins. A secret is also
 * found in its JSON-escaped form, so a log line that quotes it is scrubbed too.
 */
export function createScrubber(secrets: Record<string, string | readonly string[]>): Scrubber {
  const byValue = new Map<string, string>();
  for (const [name, value] of Object.entries(secrets).flatMap(([name, values]) => [values].flat().map((value) => [name, value] as const))) {
    if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) continue;
    const marker = `[secret:${name}]`;
    if (!byValue.has(value)) byValue.set(value, marker);
    const escaped = JSON.stringify(value).slice(1, -1);
    if (!byValue.has(escaped)) byValue.set(escaped, marker);
  }
  if (byValue.size === 0) return noScrubber;
  const needles = [...byValue.keys()].sort((a, b) => b.length - a.length);
  // One alternation, longest first: at each position the longest secret that matches is taken.
  const pattern = new RegExp(needles.map(escapeRegExp).join('|'), 'g');
  const scrubText = (text: string): string => {
    pattern.lastIndex = 0;
    return pattern.test(text) ? text.replace(pattern, (found) => byValue.get(found)!) : text;
  };
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return scrubText(value);
    if (Array.isArray(value)) {
      let copy: unknown[] | null = null;
      for (let index = 0; index < value.length; index++) {
        const item = value[index];
        const scrubbed = walk(item);
        if (scrubbed !== item) (copy ??= value.slice())[index] = scrubbed;
      }
      return copy ?? value;
    }
    if (value === null || typeof value !== 'object') return value;
    const proto = Object.getPrototypeOf(value);
    // Plain objects only: a Date, a Buffer or a class instance is kept as it is.
    if (proto !== Object.prototype && proto !== null) return value;
    let copy: Record<string, unknown> | null = null;
    const entries = Object.entries(value);
    for (const [key, item] of entries) {
      const scrubbedKey = scrubText(key);
      const scrubbed = walk(item);
      if (scrubbed !== item || scrubbedKey !== key) {
        copy ??= Object.fromEntries(entries);
        if (scrubbedKey !== key) delete copy[key];
        copy[scrubbedKey] = scrubbed;
      }
    }
    return copy ?? value;
  };
  return { scrub: <T>(value: T) => walk(value) as T, scrubText, names: [...new Set(byValue.values())].map((marker) => marker.slice(8, -1)) };
}
