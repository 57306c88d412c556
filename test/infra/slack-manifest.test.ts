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

  const block = (manifest: string, key: string): string =>
    manifest.split(new RegExp(`^\\s+${key}:\\s*$`, 'm'))[1]?.split(/^\s{0,2}\w+:\s*$/m)[0] ?? '';

  it.each([
    ['manifest.yml', prod],
    ['manifest.dev.yml', dev],
  ])('%s turns on the Home tab and the read-only Messages tab', (_name, manifest) => {
    const home = block(manifest, 'app_home');
    expect(setting(home, 'home_tab_enabled')).toBe('true');
    expect(setting(home, 'messages_tab_enabled')).toBe('true');
    expect(setting(home, 'messages_tab_read_only_enabled')).toBe('true');
  });

  it.each([
    ['manifest.yml', prod],
    ['manifest.dev.yml', dev],
  ])('%s subscribes to app_home_opened as a bot event, the only one', (_name, manifest) => {
    const events = block(manifest, 'event_subscriptions').split(/^\s+bot_events:\s*$/m)[1] ?? '';
    expect([...events.matchAll(/^\s+-\s+(\w+)\s*$/gm)].map((m) => m[1])).toEqual(['app_home_opened']);
  });

  it('sends events to the same Function URL path as the slash command and interactivity', () => {
    const urls = [...prod.matchAll(/^\s+(?:request_)?url:\s*(\S+)\s*$/gm)].map((m) => m[1]);
    expect(urls).toHaveLength(3);
    expect(new Set(urls).size).toBe(1);
    expect(setting(block(prod, 'event_subscriptions'), 'request_url')).toMatch(/\/slack\/events$/);
    // Socket Mode: no URL anywhere.
    expect(dev).not.toMatch(/url:/);
  });

  it('shows the /signins usage, the same in both', () => {
    const hint = (manifest: string) => manifest.match(/^\s+usage_hint:\s*"(.*)"\s*$/m)?.[1];
    expect(hint(prod)).toBe('last 24h | silence … for 4h because … | silences | help');
    expect(hint(dev)).toBe(hint(prod));
  });
});
