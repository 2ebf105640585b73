// One line for people about a proposed call (an approver's inbox, a notification, the audit
// trail). Its consequential arguments (recipients, amounts, targets) come first and are never
// cut; the others are shortened, and the line says so when it leaves anything out.
import { consequentialArgs } from '../protocol/index.ts';

const OTHER_FIELD_CHARS = 60;
const OTHER_FIELDS_CHARS = 200;

function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : Array.isArray(value) && value.every((item) => typeof item === 'string') ? value.join(', ') : JSON.stringify(value);
  return text.replace(/\s+/g, ' ');
}

export function describeCall(tool: string, args: Record<string, unknown>, declared?: readonly string[]): string {
  const consequential = consequentialArgs(args, declared);
  const whole = consequential.map((name) => `${name}: ${shown(args[name])}`);
  let cut = false;
  let budget = OTHER_FIELDS_CHARS;
  const others: string[] = [];
  for (const [name, value] of Object.entries(args)) {
    if (consequential.includes(name)) continue;
    const text = shown(value);
    const field = `${name}: ${text.length > OTHER_FIELD_CHARS ? `${text.slice(0, OTHER_FIELD_CHARS)}…` : text}`;
    if (text.length > OTHER_FIELD_CHARS) cut = true;
    if (field.length > budget) {
      cut = true;
      continue;
    }
    budget -= field.length;
    others.push(field);
  }
  return `${tool} (${[...whole, ...others].join('; ')})${cut ? ' [shortened: the approval shows the whole call]' : ''}`;
}
