import { readFileSync } from 'node:fs';
import * as path from 'node:path';

// No YAML parser is a declared dependency, so these read the few flat lines they check.
const read = (file: string): string => readFileSync(path.join(__dirname, '..', '..', 'slack', file), 'utf8');
const prod = read('manifest.yml');
const dev = read('manifest.dev.yml');

const botScopes = (manifest: string): string[] => {
  const block = manifest.split(/^\s+bot:\s*$/m)[1]?.split(/^settings:/m)[0] ?? '';
  return [...block.matchAll(/^\s+-\s+([\w:.]+)\s*$/gm)].map((m) => m[1] as string);
};
const setting = (manifest: string, key: string): string | undefined =>
  manifest.match(new RegExp(`^\\s+${key}:\\s*(\\S+)\\s*$`, 'm'))?.[1];

describe('Slack app manifests', () => {
  it('ask for the scopes the bot uses, the same in both', () => {
    expect(botScopes(prod)).toEqual([
      'chat:write',
      'commands',
      // Before re-posting a card whose answer was lost, the bot looks for it in the channel.
      'channels:history',
      'groups:history',
      // "Was this you?": a DM to the subject, found by the e-mail of an Identity Center or SAML session.
      'im:write',
      'users:read',
      'users:read.email',
      // Who may respond: user groups, or the channel's members when no responders are configured.
      'usergroups:read',
      'channels:read',
      'groups:read',
    ]);
    expect(botScopes(dev)).toEqual(botScopes(prod));
  });

  it('send the slash command and interactivity to the Function URL path Bolt listens on', () => {
    expect(prod).toMatch(/- command: \/signins\n\s+url: https:\/\/\S+\/slack\/events\n/);
    expect(setting(prod, 'request_url')).toMatch(/\/slack\/events$/);
    expect(setting(prod, 'is_enabled')).toBe('true');
    // /signins receives its text as typed, not rewritten into <@U…|name> escapes.
    expect(setting(prod, 'should_escape')).toBe('false');
    expect(setting(dev, 'should_escape')).toBe('false');
  });

  it('use HTTP when deployed and Socket Mode for npm start', () => {
    expect(setting(prod, 'socket_mode_enabled')).toBe('false');
    expect(setting(dev, 'socket_mode_enabled')).toBe('true');
    expect(dev).toMatch(/- command: \/signins\n/);
    expect(setting(dev, 'is_enabled')).toBe('true');
    expect(setting(dev, 'request_url')).toBeUndefined();
  });

  it.each([
    ['manifest.yml', prod],
    ['manifest.dev.yml', dev],
  ])('%s keeps org-wide deployment and token rotation off', (_name, manifest) => {
    expect(setting(manifest, 'org_deploy_enabled')).toBe('false');
    expect(setting(manifest, 'token_rotation_enabled')).toBe('false');
  });
});
