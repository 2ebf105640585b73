// A local node:http server that answers like the HubSpot CRM API v3 for the requests the
// connector makes (search, read and update deals, search and read contacts, create notes),
// checks the bearer token, records every request, and can answer the next one with an error.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string[]>;
  authorization: string | undefined;
  body: unknown;
}

export interface StoredRecord {
  id: string;
  properties: Record<string, string>;
  /** Associated record ids by kind. */
  associations: Record<string, string[]>;
}

export interface FakeHubspot extends AsyncDisposable {
  url: string;
  readonly requests: RecordedRequest[];
  readonly records: { deals: Map<string, StoredRecord>; contacts: Map<string, StoredRecord>; notes: Map<string, StoredRecord> };
  /** The next request gets this status and body instead of its answer. */
  failNext(status: number, body: Record<string, unknown>): void;
}

const CREATED = '2025-01-06T10:00:00.000Z';
const UPDATED = '2025-03-10T16:30:00.000Z';

export async function startFakeHubspot(options: { token: string; deals: StoredRecord[]; contacts: StoredRecord[] }): Promise<FakeHubspot> {
  const requests: RecordedRequest[] = [];
  const records = {
    deals: new Map(options.deals.map((record) => [record.id, structuredClone(record)])),
    contacts: new Map(options.contacts.map((record) => [record.id, structuredClone(record)])),
    notes: new Map<string, StoredRecord>(),
  };
  let failure: { status: number; body: Record<string, unknown> } | undefined;

  async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://hubspot.test');
    const text = await readBody(request);
    const query: Record<string, string[]> = {};
    for (const key of new Set(url.searchParams.keys())) query[key] = url.searchParams.getAll(key);
    const recorded = { method: request.method ?? '', path: url.pathname, query, authorization: request.headers.authorization, body: text ? JSON.parse(text) : undefined };
    requests.push(recorded);
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json;charset=utf-8' });
      response.end(JSON.stringify(body));
    };
    if (failure) {
      const { status, body } = failure;
      failure = undefined;
      return reply(status, body);
    }
    if (recorded.authorization !== `Bearer ${options.token}`) {
      return reply(401, { status: 'error', message: 'Authentication credentials not found.', category: 'INVALID_AUTHENTICATION', correlationId: 'c-401' });
    }
    const match = /^\/crm\/v3\/objects\/(deals|contacts|notes)(?:\/(search|\d+))?$/.exec(url.pathname);
    const kind = match?.[1] as keyof typeof records | undefined;
    const what = match?.[2];
    const body = (recorded.body ?? {}) as Record<string, unknown>;
    if (!kind) return reply(404, { status: 'error', message: 'Not found', category: 'OBJECT_NOT_FOUND' });
    if (request.method === 'POST' && what === 'search') return reply(200, search(records[kind], body));
    if (request.method === 'POST' && kind === 'notes' && !what) return createNote(body, reply);
    const record = what ? records[kind].get(what) : undefined;
    if (!record) return reply(404, { status: 'error', message: 'Object not found.  objectId are usually numeric.', category: 'OBJECT_NOT_FOUND' });
    if (request.method === 'PATCH') Object.assign(record.properties, (body as { properties: Record<string, string> }).properties);
    return reply(200, objectJson(record, query.properties ?? Object.keys(record.properties), query.associations ?? []));
  }

  function createNote(body: Record<string, unknown>, reply: (status: number, body: unknown) => void): void {
    const { properties, associations } = body as { properties: Record<string, string>; associations: Array<{ to: { id: string }; types: Array<{ associationTypeId: number }> }> };
    const dealIds = associations.filter((association) => association.types.some((type) => type.associationTypeId === 214)).map((association) => association.to.id);
    const unknown = dealIds.find((id) => !records.deals.has(id));
    if (unknown) return reply(400, { status: 'error', message: `One or more association targets were not found: ${unknown}`, category: 'VALIDATION_ERROR' });
    const note = { id: String(90_000 + records.notes.size + 1), properties, associations: { deals: dealIds } };
    records.notes.set(note.id, note);
    reply(201, objectJson(note, Object.keys(properties), []));
  }

  const server = createServer((request, response) => {
    answer(request, response).catch((error: unknown) => {
      response.writeHead(500);
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    records,
    failNext: (status, body) => void (failure = { status, body }),
    async [Symbol.asyncDispose]() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Words in `query` match any property; EQ filters must all hold; `after` is an offset. */
function search(records: Map<string, StoredRecord>, body: Record<string, unknown>) {
  const { query, filterGroups, properties, limit, after } = body as {
    query?: string;
    filterGroups: Array<{ filters: Array<{ propertyName: string; operator: string; value: string }> }>;
    properties: string[];
    limit: number;
    after?: string;
  };
  const filters = filterGroups.flatMap((group) => group.filters);
  const found = [...records.values()].filter(
    (record) =>
      (!query || Object.values(record.properties).some((value) => value.toLowerCase().includes(query.toLowerCase()))) &&
      filters.every((filter) => filter.operator === 'EQ' && record.properties[filter.propertyName] === filter.value),
  );
  const start = Number(after ?? 0);
  const page = found.slice(start, start + limit);
  const next = start + limit < found.length ? { paging: { next: { after: String(start + limit), link: '' } } } : {};
  return { total: found.length, results: page.map((record) => objectJson(record, properties, [])), ...next };
}

function objectJson(record: StoredRecord, properties: string[], associations: string[]) {
  const chosen = Object.fromEntries(properties.filter((name) => name in record.properties).map((name) => [name, record.properties[name]]));
  const associated = associations.filter((kind) => record.associations[kind]?.length);
  return {
    id: record.id,
    properties: { ...chosen, hs_object_id: record.id },
    createdAt: CREATED,
    updatedAt: UPDATED,
    archived: false,
    ...(associated.length > 0
      ? {
          associations: Object.fromEntries(
            // HubSpot lists a pair once per association type.
            associated.map((kind) => [kind, { results: record.associations[kind]!.flatMap((id) => [{ id, type: 'unlabeled' }, { id, type: 'primary' }]) }]),
          ),
        }
      : {}),
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
