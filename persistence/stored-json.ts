// A stored snapshot is JSON text in SQLite (and in MongoDB documents of the previous release).
// Text that is not JSON comes back as it is, so the host leaves only that coworker out (needs
// attention) instead of failing every coworker's start.
export function parsedOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
