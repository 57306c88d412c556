// The real bundled geo data for tests: built once from the installed packages (shared/geo-data-build.ts) and
// opened once per test file.
import { openGeoData } from '../../bot/adapters/geo-database';
import type { GeoData } from '../../bot/core/geo';
import { ensureGeoData } from '../../shared/geo-data-build';

let opened: GeoData | undefined;

export const testGeoData = (): GeoData => {
  opened ??= openGeoData(ensureGeoData());
  return opened;
};
