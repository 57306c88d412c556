// Where the bot finds its geo data: the layer's directory on Lambda (SIGNINS_GEO_DIR=/opt/geo), or a build from
// the installed packages for local runs and tests. Fail-open: a card without a country beats no card, so any
// problem is one warning and no geo data. Nothing is ever looked up over the network.
import { ensureGeoData } from '../../shared/geo-data-build';
import { checkGeoFiles, lazyGeoData } from '../adapters/geo-database';
import type { GeoData } from '../core/geo';
import type { Logger } from '../ports';
import type { Config } from './config';

const WITHOUT = 'sign-ins are shown without country and network';

/**
 * The geo data, read on its first lookup. SIGNINS_GEO_DIR is checked at once (a wrong directory is one warning
 * at start, then null); without it the local build is found or made on the first lookup, so a function that
 * never looks an address up (the sweeper) neither builds nor warns.
 */
export const geoDataFor = (config: Pick<Config, 'geoDir'>, logger: Logger): GeoData | null => {
  const warn = (err: unknown) =>
    logger.warn(`geo data unavailable: ${WITHOUT}`, {
      error: err instanceof Error ? err.message : String(err),
    });
  if (config.geoDir === null) return lazyGeoData(() => ensureGeoData(), warn);
  try {
    checkGeoFiles(config.geoDir);
  } catch (err) {
    warn(err);
    return null;
  }
  return lazyGeoData(config.geoDir, warn);
};
