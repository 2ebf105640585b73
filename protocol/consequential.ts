// Which arguments of a call decide its consequences: who it reaches (recipients), what it costs
// (amounts) and what it changes (targets). Every approval surface shows them first and whole.

/** Argument names that are consequential whatever the tool says, compared in lower case. */
const WELL_KNOWN: readonly string[] = ['to', 'cc', 'bcc', 'replyto', 'reply_to', 'reply-to', 'channel', 'url', 'amount', 'currency', 'account'];

/**
 * The consequential arguments of a call, by name: the tool's declared ones present in `args`, in
 * their declared order, then any other whose name is a well-known recipient or amount (to, cc,
 * bcc, reply-to, channel, url, amount, currency, account; any case), in that list's order.
 * Targets (`dealId`, `id`, …) count only when declared: an id is consequential only where the
 * call changes or deletes its record.
 */
export function consequentialArgs(args: Record<string, unknown>, declared: readonly string[] = []): string[] {
  const present = (name: string) => Object.hasOwn(args, name) && args[name] !== undefined;
  const names = declared.filter((name, at) => present(name) && declared.indexOf(name) === at);
  const rank = (name: string) => WELL_KNOWN.indexOf(name.toLowerCase());
  const known = Object.keys(args)
    .filter((name) => present(name) && rank(name) !== -1 && !names.includes(name))
    .sort((a, b) => rank(a) - rank(b));
  return [...names, ...known];
}
