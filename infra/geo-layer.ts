// The geo data (country and network of a sign-in's address) as a Lambda layer: built at synth from the pinned
// @ip-location-db packages by shared/geo-data-build.ts (plain Node: no Docker, no shell, Windows synths too), and
// unpacked by Lambda at /opt/geo. A layer keeps the 18 MB of data out of the functions' code bundles, so a code
// change uploads no data, and one copy serves the functions that need it.
import * as path from 'node:path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ensureGeoData, GEO_DATA_VERSION, GEO_DIR_NAME } from '../shared/geo-data-build';

/** Where Lambda puts the layer's `geo/` directory: the functions' SIGNINS_GEO_DIR. */
export const GEO_LAYER_DIR = `/opt/${GEO_DIR_NAME}`;

export interface GeoLayerProps {
  /** The runtime of the functions that use it. */
  readonly runtime: lambda.Runtime;
  /** The architecture of the functions that use it (the data is the same on all; Lambda checks the list). */
  readonly architecture: lambda.Architecture;
}

export class GeoLayer extends Construct {
  readonly layer: lambda.LayerVersion;

  constructor(scope: Construct, id: string, props: GeoLayerProps) {
    super(scope, id);
    // The build's directory is `<version>/geo`: its parent, holding only `geo/`, is the layer's content.
    const versionDir = path.dirname(ensureGeoData());
    this.layer = new lambda.LayerVersion(this, 'Layer', {
      code: lambda.Code.fromAsset(versionDir),
      compatibleRuntimes: [props.runtime],
      compatibleArchitectures: [props.architecture],
      description: `signins geo data ${GEO_DATA_VERSION}: ip-location-db country (CC0) and AS (CC BY 4.0) data`,
      license: 'CC0-1.0 AND CC-BY-4.0 (RouteViews, DB-IP, NRO); see geo/SOURCES.txt',
    });
  }
}
