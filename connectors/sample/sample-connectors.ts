// The sample connectors that stand in for services the examples use but that have no connector
// here yet (a spreadsheet) or need an account (Slack), so the offline demo runs its jobs end to
// end. Every result carries SAMPLE_SOURCE; a configured connector of the same name replaces them.
import { createSheetsSample, type SheetsSample } from './sheets.sample.ts';
import { createSlackSample, type SlackSample } from './slack.sample.ts';

export type SampleConnector = SheetsSample | SlackSample;
export type SampleConnectorName = SampleConnector['name'];

/** Every sample connector, each with fresh in-memory state. */
export function createSampleConnectors(): SampleConnector[] {
  return [createSheetsSample(), createSlackSample()];
}

/** One connector of a sample set, typed by its name, to read what it recorded (posts, rows). */
export function findSample<Name extends SampleConnectorName>(connectors: readonly SampleConnector[], name: Name): Extract<SampleConnector, { name: Name }> {
  const found = connectors.find((connector): connector is Extract<SampleConnector, { name: Name }> => connector.name === name);
  if (!found) throw new Error(`No "${name}" sample connector in this set; make the set with createSampleConnectors().`);
  return found;
}
