// The responder settings (issue 7) from `-c key=value` to the three functions' environment, and the checks that
// stop a deploy Lambda or the bot would refuse. Per-key mistakes are in context-errors.test.ts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { type ContextKey, readContext } from '../../infra/context';
import { EnvironmentTooLargeError } from '../../infra/environment-size';
import { ResponderSettingsError } from '../../infra/responder-settings';
import { SignInsStack } from '../../infra/signins-stack';
import { ENV } from '../../shared/env-keys';
import { buildStack, CHANNEL, logicalId, testApp } from './stacks';

const read = (values: Record<string, unknown>) =>
  readContext((key: ContextKey) => values[key], Object.keys(values));

const RESPONDER_VARIABLES = [
  ENV.responders,
  ENV.oncall,
  ENV.identityMap,
  ENV.autoAsk,
  ENV.askTimeoutMinutes,
  ENV.ackTimeoutMinutes,
];

/** Each function's responder variables, as the template sets them. */
const responderEnvironments = (built: ReturnType<typeof buildStack>) => {
  const { eventsWorker, slackIngress, sweeper } = built.stack.alerts.functions;
  return [eventsWorker, slackIngress, sweeper].map((fn) => {
    const variables = built.template.toJSON().Resources[logicalId(fn)].Properties.Environment.Variables;
    return Object.fromEntries(
      Object.entries(variables as Record<string, unknown>).filter(([name]) =>
        RESPONDER_VARIABLES.includes(name as (typeof RESPONDER_VARIABLES)[number]),
      ),
    );
  });
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'signins-identity-map-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('responder settings', () => {
  it('reach all three functions from the context, with the identity map file read at synth and minified', () => {
    const file = path.join(dir, 'identity-map.json');
    writeFileSync(file, '{\n  "iamUsers": { "alice": "U0ALICE" },\n  "root": "alice@example.com"\n}\n');
    const { stackProps } = read({
      channel: CHANNEL,
      // As a user types it: relative to the directory `cdk synth` runs in, spaces after the commas.
      responders: 'U0ALICE, W0BOB,S0OPS',
      oncall: 'S0OPS',
      identityMap: path.relative(process.cwd(), file),
      autoAsk: 'all',
      askTimeoutMinutes: '45',
      ackTimeoutMinutes: 10,
    });
    const environments = responderEnvironments(buildStack(stackProps.alerts));
    const expected = {
      [ENV.responders]: 'U0ALICE,W0BOB,S0OPS',
      [ENV.oncall]: 'S0OPS',
      [ENV.identityMap]: '{"iamUsers":{"alice":"U0ALICE"},"root":"alice@example.com"}',
      [ENV.autoAsk]: 'all',
      [ENV.askTimeoutMinutes]: '45',
      [ENV.ackTimeoutMinutes]: '10',
    };
    expect(environments).toEqual([expected, expected, expected]);
  });

  it('take the identity map inline or as a cdk.json object, and set only the keys given', () => {
    const inline = read({ channel: CHANNEL, identityMap: ' { "sessions": { "bob": "U0BOB" } } ' });
    const object = read({ channel: CHANNEL, identityMap: { sessions: { bob: 'U0BOB' } } });
    for (const { stackProps } of [inline, object]) {
      expect(stackProps.alerts.responders).toEqual({ identityMap: '{"sessions":{"bob":"U0BOB"}}' });
    }
    expect(read({ channel: CHANNEL }).stackProps.alerts.responders).toBeUndefined();
  });

  it('name the identity map file that is not JSON', () => {
    const file = path.join(dir, 'broken-map.json');
    writeFileSync(file, '{ "iamUsers": { "alice": "U0ALICE", } }');
    expect(() => read({ channel: CHANNEL, identityMap: file })).toThrow(
      new RegExp(`^identityMap: ${file.replace(/[.\\/]/g, '\\$&')} is not JSON: `),
    );
  });

  it('refuse at synth an identity map the bot would refuse at start (no card would post)', () => {
    expect(() => read({ channel: CHANNEL, identityMap: '{"iamUsers":{"anaya":"@anaya"}}' })).toThrow(
      /identityMap: .*iamUsers.*anaya/,
    );
  });

  it('are checked for construct users too, not only on the command line', () => {
    expect(
      () =>
        new SignInsStack(testApp(), 'ResponderCheck', {
          alerts: { slackChannel: CHANNEL, responders: { oncall: '@security-oncall' } },
        }),
    ).toThrow(ResponderSettingsError);
  });

  it("are refused at synth, naming the largest value, when they would not fit in Lambda's 4 KB environment", () => {
    const iamUsers = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`user${i}`, `U0USER${i}`]));
    const build = () => buildStack({ responders: { identityMap: { iamUsers } } });
    expect(build).toThrow(EnvironmentTooLargeError);
    expect(build).toThrow(/over Lambda's 4096 \(largest: SIGNINS_IDENTITY_MAP \d{4} B/);
    // A map of a team's size fits.
    const team = Object.fromEntries(Object.entries(iamUsers).slice(0, 40));
    expect(() => buildStack({ responders: { identityMap: { iamUsers: team } } })).not.toThrow();
  });
});
