import { ConfigError, loadConfig } from '../../bot/pipeline/config';
import { SIGNIN_ALARMS } from '../../shared/alarms';

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
    [
      { SIGNINS_HISTORY_REGIONS: 'us-east-1, Ireland' },
      /^SIGNINS_HISTORY_REGIONS must list AWS region codes, comma-separated \(such as us-east-1,eu-west-1\); "Ireland" is not one$/,
    ],
    [{ SIGNINS_HISTORY_REGIONS: ' , ' }, /SIGNINS_HISTORY_REGIONS must list AWS region codes/],
    [{ SIGNINS_HISTORY_REGIONS: 'eu-west-1;us-east-1' }, /"eu-west-1;us-east-1" is not one/],
    [
      { SIGNINS_MAX_SILENCE_DAYS: '0' },
      /^SIGNINS_MAX_SILENCE_DAYS must be a whole number of days from 1 to 90, got "0"$/,
    ],
    [
      { SIGNINS_MAX_SILENCE_DAYS: '91' },
      /SIGNINS_MAX_SILENCE_DAYS must be a whole number of days from 1 to 90/,
    ],
    [{ SIGNINS_MAX_SILENCE_DAYS: '2.5' }, /SIGNINS_MAX_SILENCE_DAYS/],
    [{ SIGNINS_MAX_SILENCE_DAYS: '7d' }, /SIGNINS_MAX_SILENCE_DAYS/],
  ])('refuses %j with a clear message', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('looks back in us-east-1 and its own region by default, each once', () => {
    expect(loadConfig({}).historyRegions).toEqual(['us-east-1']);
    expect(loadConfig({ AWS_REGION: 'eu-central-2' }).historyRegions).toEqual(['us-east-1', 'eu-central-2']);
    expect(loadConfig({ AWS_REGION: 'us-east-1' }).historyRegions).toEqual(['us-east-1']);
  });

  it('takes the look-back regions as listed, in order, without repeats', () => {
    expect(
      loadConfig({
        AWS_REGION: 'eu-west-1',
        SIGNINS_HISTORY_REGIONS: 'us-gov-west-1, ap-southeast-5,us-gov-west-1',
      }).historyRegions,
    ).toEqual(['us-gov-west-1', 'ap-southeast-5']);
  });

  it('lets a silence last 7 days unless told otherwise, up to 90', () => {
    expect(loadConfig({}).maxSilenceDays).toBe(7);
    expect(loadConfig({ SIGNINS_MAX_SILENCE_DAYS: '1' }).maxSilenceDays).toBe(1);
    expect(loadConfig({ SIGNINS_MAX_SILENCE_DAYS: ' 90 ' }).maxSilenceDays).toBe(90);
  });

  it('names the four sign-in alarms as the stack deployed them, with its prefix', () => {
    expect(loadConfig({}).signInAlarms).toEqual(SIGNIN_ALARMS.map((a) => a.name));
    expect(loadConfig({ SIGNINS_ALARM_PREFIX: 'prod' }).signInAlarms).toEqual([
      'prod-signin-console-success-root',
      'prod-signin-console-failure-root',
      'prod-signin-console-success-iam',
      'prod-signin-console-failure-iam',
    ]);
  });
});
