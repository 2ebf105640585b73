// The `ads` connector's public face: the factory `connectors.yaml`'s `ads` section builds it with,
// and the made-up exports the examples write to files.
import type { ConnectorFactory } from '../connector-deps.ts';
import { createAdsConnector } from './ads.connector.ts';
import { adsSettings } from './ads.settings.ts';
import type { AdsSource } from './campaign-stats.ts';
import { csvSource } from './csv-exports.ts';
import { googleAdsSource } from './google-ads.ts';
import { metaSource } from './meta-ads.ts';

export const adsFactory: ConnectorFactory<typeof adsSettings> = {
  name: 'ads',
  settings: adsSettings,
  async create(settings, deps) {
    // Ask for each token now, so a missing one stops the start-up; sources ask again per call.
    const tokens = [settings.googleAds?.developerTokenEnv, settings.googleAds?.accessTokenEnv, settings.meta?.accessTokenEnv];
    for (const name of tokens) if (name) deps.secret(name);
    const secret = (name: string) => deps.secret(name);
    const sources: AdsSource[] = [
      ...(settings.csv ? [csvSource(settings.csv, deps.baseDir)] : []),
      ...(settings.googleAds ? [googleAdsSource(settings.googleAds, secret)] : []),
      ...(settings.meta ? [metaSource(settings.meta, secret)] : []),
    ];
    return createAdsConnector({ sources, timeZone: settings.timeZone, now: deps.now });
  },
};

export { adsSettings, type AdsSettings } from './ads.settings.ts';
export { exampleAdExports, type ExampleAdExports } from './example-exports.ts';
