import { ConfigError, loadConfig } from '../../bot/pipeline/config';

describe('settings', () => {
  it('has working defaults with nothing set', () => {
    expect(loadConfig({})).toMatchObject({
      channel: '#aws-signins',
      dataDir: '.signins-data',
      port: 3000,
      retentionDays: 90,
      logLevel: 'info',
      routing: { post: ['critical', 'high', 'medium', 'low'], channels: {}, accounts: {} },
    });
  });

  it('normalizes SLACK_API_URL to end with a slash, as the Web API client expects', () => {
    expect(loadConfig({ SLACK_API_URL: 'http://127.0.0.1:9/api' }).slackApiUrl).toBe(
      'http://127.0.0.1:9/api/',
    );
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT must be a positive integer/],
    [{ SIGNINS_ROUTING: '{' }, /SIGNINS_ROUTING is not valid JSON/],
    [
      { SIGNINS_ROUTING: '{"accounts":{"prod":{}}}' },
      /SIGNINS_ROUTING is invalid at accounts\.prod: account ids are 12 digits/,
    ],
    [{ SIGNINS_ROUTING: '{"chanels":{}}' }, /SIGNINS_ROUTING is invalid/],
    [{ SIGNINS_LOG_LEVEL: 'debug' }, /SIGNINS_LOG_LEVEL must be one of/],
    [{ SLACK_API_URL: 'not a url' }, /SLACK_API_URL must be a URL/],
  ])('refuses %j with a clear message', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
