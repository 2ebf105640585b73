// The protocol as JSON Schema, generated from the zod schemas (`npm run schema`), for third
// parties that publish commands or read events without this code. One file per family; each
// message type is a `$defs` entry named by its `type`, with its subject in the description.
import { z } from 'zod';
import { deadLetterSchema } from './dead-letter.ts';
import { commandSchema, coworkerEventSchema, triggerEventSchema } from './messages.ts';
import { commandKind } from './subjects.ts';

interface SchemaFile {
  file: URL;
  title: string;
  description: string;
  /** Which side: what a publisher may send (commands, triggers) or what a reader gets. */
  io: 'input' | 'output';
  types: Array<{ name: string; subject: string; schema: z.ZodType }>;
}

const P = '<prefix>';
const SHARD = '<shard>.<coworkerId>';

function definitionSubject(): string {
  return `${P}.cmd.${commandKind('definition.changed', 'gateway')}.${SHARD} (a gateway's team or manager change) or ${P}.cmd.${commandKind('definition.changed', 'operator')}.${SHARD} (the operator's)`;
}

const FILES: SchemaFile[] = [
  {
    file: new URL('./schemas/commands.schema.json', import.meta.url),
    title: 'Coworkers commands',
    description: 'Commands to one coworker, published with JetStream on <prefix>.cmd.<kind>.<shard>.<coworkerId> with a Nats-Msg-Id header (see docs/architecture.md, "The protocol").',
    io: 'input',
    types: commandSchema.options.map((schema) => {
      const type = schema.shape.type.value;
      return { name: type, subject: type === 'definition.changed' ? definitionSubject() : `${P}.cmd.${commandKind(type)}.${SHARD}`, schema };
    }),
  },
  {
    file: new URL('./schemas/events.schema.json', import.meta.url),
    title: 'Coworkers events',
    description: 'Events a runtime publishes about one coworker, with JetStream on <prefix>.evt.<coworkerId>.<type>.',
    io: 'output',
    types: coworkerEventSchema.options.map((schema) => {
      const type = schema.shape.type.value;
      return { name: type, subject: `${P}.evt.<coworkerId>.${type}`, schema };
    }),
  },
  {
    file: new URL('./schemas/trigger-event.schema.json', import.meta.url),
    title: 'Coworkers trigger event',
    description: "An event a connector publishes, with JetStream on <prefix>.trg.<event> (the event's first token is the connector's name); jobs whose triggers name it run.",
    io: 'input',
    types: [{ name: 'trigger', subject: `${P}.trg.<event>`, schema: triggerEventSchema }],
  },
  {
    file: new URL('./schemas/dead-letter.schema.json', import.meta.url),
    title: 'Coworkers dead letter',
    description: 'A command a runtime could not take, set aside with JetStream on <prefix>.dlq.<reason>.',
    io: 'output',
    types: [{ name: 'dead-letter', subject: `${P}.dlq.<reason>`, schema: deadLetterSchema }],
  },
];

/** Every schema file with its exact text, as `npm run schema` writes it. */
export function protocolJsonSchemaFiles(): Array<{ file: URL; text: string }> {
  return FILES.map(({ file, title, description, io, types }) => {
    const $defs = Object.fromEntries(
      types.map(({ name, subject, schema }) => {
        const { $schema: _draft, ...json } = z.toJSONSchema(schema, { io });
        return [name, { description: `Subject: ${subject}`, ...json }];
      }),
    );
    const names = Object.keys($defs);
    const document = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: `urn:coworkers:protocol:${file.pathname.split('/').pop()!.replace('.schema.json', '')}`,
      title,
      description,
      ...(names.length === 1 ? { $ref: `#/$defs/${names[0]}` } : { oneOf: names.map((name) => ({ $ref: `#/$defs/${name}` })) }),
      $defs,
    };
    return { file, text: `${JSON.stringify(document, null, 2)}\n` };
  });
}
