// Where the bot finds its geo data: the layer's directory on Lambda (SIGNINS_GEO_DIR=/opt/geo), or a build from
// the installed packages for local runs and tests. Fail-open: a card without a country beats no card, so any
// problem is one warning and no geo data. Nothing is ever looked up over the network.
import { ensureGeoData } from '../../shared/geo-data-build';
import { checkGeoFiles, lazyGeoData } from '../adapters/geo-database';
import type { GeoData } from '../core/geo';
import type { Logger } from '../ports';
import type { Config } from './config';

const WITHOUT = 'sign-ins are shown without country and network';

/** The geo data, read on its first lookup; null (after one warning) when there is none to read. */
export const geoDataFor = (config: Pick<Config, 'geoDir'>, logger: Logger): GeoData | null => {
  try {
    const dir = config.geoDir ?? ensureGeoData();
    checkGeoFiles(dir);
    return lazyGeoData(dir, (error) =>
      logger.warn(`geo data unavailable: ${WITHOUT}`, { error: error.message }),
    );
  } catch (err) {
    logger.warn(`geo data unavailable: ${WITHOUT}`, {
      error: err instanceof Error ? err.message : String(err),
    });
    return null;
  }
};
