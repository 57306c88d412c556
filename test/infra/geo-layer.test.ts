// The geo data layer: built at synth (no Docker), unpacked at /opt/geo by the functions that look up where a
// sign-in came from (the worker's cards, the ingress's `/signins` answers), and only by them.
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { AwsSolutionsChecks } from 'cdk-nag';
import { openGeoData } from '../../bot/adapters/geo-database';
import { GEO_LAYER_DIR } from '../../infra/geo-layer';
import { ENV } from '../../shared/env-keys';
import { GEO_DIR_NAME, GEO_FILES } from '../../shared/geo-data-build';
import { type BuiltStack, buildStack, logicalId } from './stacks';

let built: BuiltStack;
let functions: Record<'worker' | 'ingress' | 'sweeper', NodejsFunction>;
beforeAll(() => {
  built = buildStack();
  const f = built.stack.alerts.functions;
  functions = { worker: f.eventsWorker, ingress: f.slackIngress, sweeper: f.sweeper };
});

const resources = () => built.template.toJSON().Resources;
const fnProps = (fn: NodejsFunction) => resources()[logicalId(fn)].Properties;
const layerId = () => logicalId(built.stack.alerts.functions.geoData.layer);

describe('geo data layer', () => {
  it.each(['worker', 'ingress'] as const)(
    'the %s carries the layer and reads the data from /opt/geo',
    (name) => {
      expect(fnProps(functions[name]).Layers).toEqual([{ Ref: layerId() }]);
      expect(fnProps(functions[name]).Environment.Variables[ENV.geoDir]).toBe(GEO_LAYER_DIR);
      expect(GEO_LAYER_DIR).toBe(`/opt/${GEO_DIR_NAME}`);
    },
  );

  it('the sweeper, which never looks an address up, has neither', () => {
    expect(fnProps(functions.sweeper).Layers).toBeUndefined();
    expect(fnProps(functions.sweeper).Environment.Variables[ENV.geoDir]).toBeUndefined();
  });

  it("is compatible with the functions' runtime and architecture", () => {
    const { Runtime, Architectures } = fnProps(functions.worker);
    built.template.hasResourceProperties('AWS::Lambda::LayerVersion', {
      CompatibleRuntimes: [Runtime],
      CompatibleArchitectures: Architectures,
      LicenseInfo: Match.stringLikeRegexp('CC-BY-4.0'),
    });
  });

  it('ships geo/ with the three files, and the data answers from there', () => {
    const code = built.stack.alerts.functions.geoData.layer.node.findChild('Code') as s3assets.Asset;
    const staged = path.join(built.app.outdir, code.assetPath);
    expect(readdirSync(staged)).toEqual([GEO_DIR_NAME]);
    const dir = path.join(staged, GEO_DIR_NAME);
    for (const file of Object.values(GEO_FILES)) expect(existsSync(path.join(dir, file))).toBe(true);
    const geo = openGeoData(dir);
    expect([geo.country('8.8.8.8'), geo.network('8.8.8.8')]).toEqual([
      'US',
      { asn: 15169, name: 'Google LLC' },
    ]);
  });

  it('adds no cdk-nag finding', () => {
    const report = new AwsSolutionsChecks().validateScope(built.stack);
    expect(report.violations.map((v) => `${v.severity} ${v.ruleName}`)).toEqual([]);
  });
});
