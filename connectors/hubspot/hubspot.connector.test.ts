// The hubspot connector end to end through its factory, the official client and a local server
// answering like HubSpot: the requests it sends (paths, methods, bearer token, bodies), the
// results it makes of the answers, and what each HubSpot error becomes for the caller.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/test-servers.ts';
import { isCoworkersError } from '../../protocol/index.ts';
import { createSqliteStore, type Store } from '../../persistence/index.ts';
import type { Connector } from '../connector-kit.ts';
import { testConnectorDeps, toolCall } from '../connector-test-kit.ts';
import { startFakeHubspot, type FakeHubspot, type StoredRecord } from './hubspot-test-server.ts';
import { hubspotFactory } from './index.ts';

const TOKEN = 'pat-na1-11111111-2222-3333-4444-555555555555';
const NOW = Date.parse('2025-03-12T15:07:00Z');

const DEALS: StoredRecord[] = [
  {
    id: '1042',
    properties: {
      dealname: 'Acme Corp - annual renewal',
      dealstage: 'contractsent',
      pipeline: 'default',
      amount: '48000',
      deal_currency_code: 'USD',
      closedate: '2025-03-16T00:00:00Z',
      hs_next_step: 'Send the revised order form',
      hubspot_owner_id: '77',
      notes_last_updated: '2025-03-10T16:30:00Z',
    },
    associations: { contacts: ['5101'] },
  },
  {
    id: '1051',
    properties: { dealname: 'Globex - analytics add-on', dealstage: 'presentationscheduled', pipeline: 'default', amount: '32500', closedate: '2025-03-21T00:00:00Z' },
    associations: {},
  },
  {
    id: '1058',
    properties: { dealname: 'Initech - team plan', dealstage: 'contractsent', pipeline: 'renewals', amount: '' },
    associations: {},
  },
];
const CONTACTS: StoredRecord[] = [
  {
    id: '5101',
    properties: { firstname: 'Jordan', lastname: 'Lee', email: 'jordan.lee@acme.example', company: 'Acme Corp', jobtitle: 'Head of IT', lifecyclestage: 'customer' },
    associations: { deals: ['1042'] },
  },
  { id: '5102', properties: { firstname: 'Mei', lastname: 'Chen', email: 'm.chen@globex.example', company: 'Globex' }, associations: {} },
];

let store: Store;
let hubspot: FakeHubspot;
beforeEach(async () => {
  store = createSqliteStore({ path: ':memory:' });
  hubspot = await startFakeHubspot({ token: TOKEN, deals: DEALS, contacts: CONTACTS });
});
afterEach(async () => {
  await hubspot[Symbol.asyncDispose]();
  await store.close();
});

const deps = (secrets: Record<string, string>) => testConnectorDeps({ secrets, now: () => NOW, documents: store.documents });

async function connect(settings: Record<string, unknown> = {}, token = TOKEN): Promise<Connector> {
  const parsed = hubspotFactory.settings.parse({ baseUrl: hubspot.url, ...settings });
  const [connector] = [await hubspotFactory.create(parsed, deps({ HUBSPOT_TOKEN: token }))].flat();
  return connector!;
}

const call = (tool: string, args: Record<string, unknown>) => toolCall(tool, args, { coworkerId: 'otto' });

async function result(connector: Connector, tool: string, args: Record<string, unknown> = {}) {
  return (await connector.call(call(tool, args))).result as Record<string, any>;
}

async function failure(connector: Connector, tool: string, args: Record<string, unknown>) {
  const error = await connector.call(call(tool, args)).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isCoworkersError(error)) throw new Error(`expected a CoworkersError, got ${String(error)}`);
  return error.toJSON();
}

describe('deals', () => {
  it('searches deals with the query, stage and pipeline as filters, sending the bearer token', async () => {
    const connector = await connect();

    const found = await result(connector, 'hubspot.searchDeals', { query: 'acme', stage: 'contractsent', pipeline: 'default', limit: 5 });

    expect(hubspot.requests).toHaveLength(1);
    const [request] = hubspot.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/crm/v3/objects/deals/search', authorization: `Bearer ${TOKEN}` });
    expect(request!.body).toEqual({
      query: 'acme',
      filterGroups: [
        {
          filters: [
            { propertyName: 'dealstage', operator: 'EQ', value: 'contractsent' },
            { propertyName: 'pipeline', operator: 'EQ', value: 'default' },
          ],
        },
      ],
      properties: ['dealname', 'dealstage', 'pipeline', 'amount', 'deal_currency_code', 'closedate', 'hs_next_step', 'hubspot_owner_id', 'notes_last_updated'],
      limit: 5,
    });
    expect(found).toEqual({
      total: 1,
      next: null,
      deals: [
        {
          id: '1042',
          name: 'Acme Corp - annual renewal',
          stage: 'contractsent',
          pipeline: 'default',
          amount: 48000,
          currency: 'USD',
          closeDate: '2025-03-16',
          nextStep: 'Send the revised order form',
          ownerId: '77',
          lastActivity: '2025-03-10T16:30:00Z',
          updatedAt: '2025-03-10T16:30:00.000Z',
        },
      ],
    });
  });

  it('pages through search results with the next cursor', async () => {
    const connector = await connect();

    const first = await result(connector, 'hubspot.searchDeals', { limit: 2 });
    const second = await result(connector, 'hubspot.searchDeals', { limit: 2, after: first.next });

    expect(first.deals.map((deal: { id: string }) => deal.id)).toEqual(['1042', '1051']);
    expect(second).toMatchObject({ total: 3, next: null, deals: [{ id: '1058', amount: null, closeDate: null }] });
    expect(hubspot.requests[0]!.body).toEqual({ filterGroups: [], properties: expect.any(Array), limit: 2 });
    expect(hubspot.requests[1]!.body).toMatchObject({ after: '2' });
  });

  it('reads one deal with its contacts, and says so for an unknown id without retrying', async () => {
    const connector = await connect();

    const { deal } = await result(connector, 'hubspot.getDeal', { dealId: '1042' });
    const unknown = await failure(connector, 'hubspot.getDeal', { dealId: '999' });

    expect(deal).toMatchObject({ id: '1042', name: 'Acme Corp - annual renewal', contactIds: ['5101'] });
    expect(hubspot.requests[0]).toMatchObject({ method: 'GET', path: '/crm/v3/objects/deals/1042', query: { associations: ['contacts'] } });
    expect(hubspot.requests[0]!.query.properties).toContain('hs_next_step');
    expect(unknown).toMatchObject({ code: 'TOOL_FAILED', retryable: false, message: 'HubSpot has no deal "999".', hint: expect.stringContaining('hubspot.searchDeals') });
  });

  it('updates only the allowed properties, as HubSpot wants them written', async () => {
    const connector = await connect();

    const { deal } = await result(connector, 'hubspot.updateDeal', {
      dealId: '1051',
      properties: { dealstage: 'contractsent', closedate: '2025-04-30', amount: 52000, hs_next_step: 'Send the order form' },
    });

    expect(hubspot.requests[0]).toMatchObject({
      method: 'PATCH',
      path: '/crm/v3/objects/deals/1051',
      authorization: `Bearer ${TOKEN}`,
      body: { properties: { dealstage: 'contractsent', closedate: '2025-04-30T00:00:00.000Z', amount: '52000', hs_next_step: 'Send the order form' } },
    });
    expect(deal).toMatchObject({ id: '1051', stage: 'contractsent', closeDate: '2025-04-30', amount: 52000, nextStep: 'Send the order form' });
  });

  it('refuses any other property, or none, before sending anything', async () => {
    const connector = await connect();

    const other = await failure(connector, 'hubspot.updateDeal', { dealId: '1051', properties: { hubspot_owner_id: '1' } });
    const none = await failure(connector, 'hubspot.updateDeal', { dealId: '1051', properties: {} });

    expect(other).toMatchObject({ code: 'TOOL_FAILED', message: expect.stringContaining('hubspot_owner_id') });
    expect(none).toMatchObject({ code: 'TOOL_FAILED', message: expect.stringContaining('at least one property') });
    expect(hubspot.requests).toEqual([]);
  });

  it('adds a note associated with the deal, timestamped now', async () => {
    const connector = await connect();

    const added = await result(connector, 'hubspot.addNote', { dealId: '1042', text: 'Jordan confirmed the uplift on the call.' });

    expect(hubspot.requests[0]).toMatchObject({
      method: 'POST',
      path: '/crm/v3/objects/notes',
      authorization: `Bearer ${TOKEN}`,
      body: {
        properties: { hs_note_body: 'Jordan confirmed the uplift on the call.', hs_timestamp: '2025-03-12T15:07:00.000Z' },
        associations: [{ to: { id: '1042' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 214 }] }],
      },
    });
    expect(added).toEqual({ noteId: '90001', dealId: '1042' });
    expect(hubspot.records.notes.get('90001')?.associations).toEqual({ deals: ['1042'] });
  });

  it("passes HubSpot's reason on when it rejects a note, without retrying", async () => {
    const connector = await connect();
    const rejected = await failure(connector, 'hubspot.addNote', { dealId: '4040', text: 'Hello' });
    expect(rejected).toMatchObject({ code: 'TOOL_FAILED', retryable: false, message: expect.stringContaining('association targets were not found: 4040') });
  });
});

describe('contacts', () => {
  it('finds a contact by exact email, marked untrusted', async () => {
    const connector = await connect();

    const found = await result(connector, 'hubspot.searchContacts', { email: 'm.chen@globex.example' });

    expect(hubspot.requests[0]).toMatchObject({
      method: 'POST',
      path: '/crm/v3/objects/contacts/search',
      body: { filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: 'm.chen@globex.example' }] }], limit: 20 },
    });
    expect(found).toMatchObject({ total: 1, untrusted: true, contacts: [{ id: '5102', name: 'Mei Chen', email: 'm.chen@globex.example', company: 'Globex', jobTitle: null }] });
  });

  it('reads one contact with their deals', async () => {
    const connector = await connect();

    const { contact, untrusted } = await result(connector, 'hubspot.getContact', { contactId: '5101' });

    expect(hubspot.requests[0]).toMatchObject({ method: 'GET', path: '/crm/v3/objects/contacts/5101', query: { associations: ['deals'] } });
    expect(untrusted).toBe(true);
    expect(contact).toMatchObject({ id: '5101', name: 'Jordan Lee', jobTitle: 'Head of IT', lifecycleStage: 'customer', dealIds: ['1042'] });
    expect(await failure(connector, 'hubspot.getContact', { contactId: '1' })).toMatchObject({ code: 'TOOL_FAILED', message: 'HubSpot has no contact "1".' });
  });
});

describe('errors', () => {
  it('answers a refused token (401) with a hint about the token, not retryable, and never shows the token', async () => {
    const wrong = 'pat-na1-revoked-token-0000';
    const connector = await connect({}, wrong);

    const refused = await failure(connector, 'hubspot.searchDeals', { query: 'acme' });

    expect(hubspot.requests[0]!.authorization).toBe(`Bearer ${wrong}`);
    expect(refused).toMatchObject({ code: 'TOOL_FAILED', retryable: false, message: expect.stringContaining('401') });
    expect(refused.hint).toContain('HUBSPOT_TOKEN');
    expect(JSON.stringify([refused, connector.description, connector.specs])).not.toContain(wrong);
  });

  it('names the scopes to grant when HubSpot answers 403', async () => {
    const connector = await connect();
    hubspot.failNext(403, { status: 'error', message: 'This app hasn\'t been granted all required scopes to make this call.', category: 'MISSING_SCOPES' });

    const forbidden = await failure(connector, 'hubspot.updateDeal', { dealId: '1042', properties: { dealname: 'Acme' } });

    expect(forbidden).toMatchObject({ code: 'TOOL_FAILED', retryable: false, hint: expect.stringContaining('crm.objects.deals.write') });
  });

  it('makes a rate limit (429) and a server error retryable, sending each request once', async () => {
    const connector = await connect();

    hubspot.failNext(429, { status: 'error', message: 'You have reached your ten_secondly_rolling limit.', errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' });
    const limited = await failure(connector, 'hubspot.getDeal', { dealId: '1042' });
    hubspot.failNext(502, { status: 'error', message: 'Bad gateway' });
    const away = await failure(connector, 'hubspot.searchContacts', { query: 'lee' });

    expect(hubspot.requests).toHaveLength(2);
    expect(limited).toMatchObject({ code: 'TOOL_FAILED', retryable: true, message: expect.stringContaining('rate limit') });
    expect(away).toMatchObject({ code: 'TOOL_FAILED', retryable: true, message: expect.stringContaining('502') });
  });

  it('is retryable when HubSpot cannot be reached', async () => {
    const connector = await connect({ baseUrl: `http://127.0.0.1:${await freePort()}/` });
    expect(await failure(connector, 'hubspot.getDeal', { dealId: '1042' })).toMatchObject({ code: 'TOOL_FAILED', retryable: true, message: expect.stringContaining('could not be reached') });
  });

  it('refuses to start without its token, naming the variable', async () => {
    const parsed = hubspotFactory.settings.parse({ tokenEnv: 'ACME_HUBSPOT_TOKEN' });
    const error = await Promise.resolve(hubspotFactory.create(parsed, deps({}))).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(isCoworkersError(error, 'CONFIG_INVALID') && error.message).toContain('ACME_HUBSPOT_TOKEN');
  });
});

describe('hubspot settings', () => {
  it('default to HUBSPOT_TOKEN and the public API, and want an http(s) base URL', () => {
    expect(hubspotFactory.settings.parse({})).toEqual({ tokenEnv: 'HUBSPOT_TOKEN', baseUrl: 'https://api.hubapi.com' });
    expect(hubspotFactory.settings.safeParse({ baseUrl: 'api.hubapi.com' }).success).toBe(false);
    expect(hubspotFactory.settings.safeParse({ token: TOKEN }).success).toBe(false);
  });

  it('declare each tool with its risk and the scopes it needs', async () => {
    const connector = await connect();
    expect(Object.fromEntries(connector.specs.map((spec) => [spec.name, spec.risk]))).toEqual({
      'hubspot.searchDeals': 'read',
      'hubspot.getDeal': 'read',
      'hubspot.updateDeal': 'write',
      'hubspot.searchContacts': 'read',
      'hubspot.getContact': 'read',
      'hubspot.addNote': 'write',
    });
    expect(connector.scopes['hubspot.addNote']).toEqual(['crm.objects.deals.write']);
    expect(connector.scopes['hubspot.getContact']).toEqual(['crm.objects.contacts.read']);
  });
});
