// The health checks' verdicts, their lines and fixes, and what counts as a change for the worse.

import {
  broken,
  carryForward,
  formatLine,
  ok,
  recovered,
  unknown,
  worsened,
} from '../../bot/core/health-checks';
import {
  judgeAlarmActions,
  judgeMetricFilters,
  judgeSubscriptionFilter,
  judgeTrail,
  logGroupNameOfArn,
  noTrailDelivers,
  parseAlarmAction,
  trailNotFound,
} from '../../bot/core/pipeline-verdicts';
import {
  isGeneratedPlaceholder,
  judgeChannel,
  judgeSlackSecret,
  judgeSlackToken,
  routedChannels,
} from '../../bot/core/slack-verdicts';
import { DEFAULT_ROUTING, routingSchema } from '../../shared/routing';

const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:SignIns-SigninSuccessRootTopic';
// The shape AWS documents for a topic policy that does not let CloudWatch publish.
const NOT_AUTHORIZED = `Failed to execute action ${TOPIC}. Received error: "Resource: arn:aws:cloudwatch:eu-west-1:111122223333:alarm:signin-console-success-root is not authorized to perform: SNS:Publish on resource: ${TOPIC} because no resource-based policy allows the SNS:Publish action"`;
const day = (d: number): Date => new Date(Date.UTC(2026, 10, d, 12));

describe('doctor lines', () => {
  it('prints a tick, a cross with its fix, or a question mark with the reason', () => {
    expect(formatLine(ok('a', 'trail t is logging'))).toBe('✓ trail t is logging');
    expect(formatLine(broken('a', 'trail t is not logging', 'start it'))).toBe(
      '✗ trail t is not logging — fix: start it',
    );
    expect(formatLine(unknown('a', 'the alarms', 'not allowed'))).toBe(
      '? the alarms (could not check: not allowed)',
    );
  });
});

describe('the trail', () => {
  const trail = { name: 'signins', arn: 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/signins' };

  it('is broken when it stopped logging, and the fix starts it again', () => {
    const result = judgeTrail({ ...trail, isLogging: false });
    expect(result.status).toBe('broken');
    expect(formatLine(result)).toContain(`aws cloudtrail start-logging --name ${trail.arn}`);
  });

  it('is broken when it logs but cannot deliver to CloudWatch Logs', () => {
    const result = judgeTrail({
      ...trail,
      isLogging: true,
      latestCloudWatchLogsDeliveryError: 'AccessDeniedException',
    });
    expect(formatLine(result)).toMatch(
      /✗ trail signins cannot deliver to CloudWatch Logs \(AccessDeniedException\)/,
    );
  });

  it('is fine when it logs and delivers', () => {
    expect(judgeTrail({ ...trail, isLogging: true }).status).toBe('ok');
  });

  it('keeps one key whether it was named by name or by ARN', () => {
    expect(trailNotFound(trail.arn).key).toBe(judgeTrail({ ...trail, isLogging: true }).key);
  });

  it('names the log group no trail delivers to', () => {
    expect(formatLine(noTrailDelivers('aws-cloudtrail-logs'))).toContain(
      'no trail delivers to log group aws-cloudtrail-logs',
    );
  });

  it("reads the log group's name from a trail's CloudWatchLogsLogGroupArn", () => {
    expect(logGroupNameOfArn('arn:aws:logs:eu-west-1:111122223333:log-group:aws-cloudtrail-logs-1:*')).toBe(
      'aws-cloudtrail-logs-1',
    );
  });
});

describe('the filters', () => {
  const worker = {
    name: 'SignIns-Worker',
    destinationArn: 'arn:aws:lambda:eu-west-1:111122223333:function:w',
  };

  it('finds the worker filter by name, or by its Lambda destination when no name is given', () => {
    expect(judgeSubscriptionFilter('lg', [worker], 'SignIns-Worker').status).toBe('ok');
    expect(judgeSubscriptionFilter('lg', [worker], undefined).status).toBe('ok');
    const kinesis = { name: 'siem', destinationArn: 'arn:aws:kinesis:eu-west-1:111122223333:stream/s' };
    expect(judgeSubscriptionFilter('lg', [kinesis], undefined).status).toBe('broken');
    expect(formatLine(judgeSubscriptionFilter('lg', [worker], 'Other'))).toContain(
      'subscription filter Other is missing from lg',
    );
  });

  it('lists the sign-in metric filters that are missing', () => {
    const result = judgeMetricFilters('lg', ['a', 'b', 'c'], ['b']);
    expect(formatLine(result)).toContain('metric filters missing from lg: a, c');
  });
});

describe('alarm actions', () => {
  it("reads the topic and the error from a failed action's summary", () => {
    const action = parseAlarmAction({
      alarmName: 'signin-console-success-root',
      timestamp: day(20),
      summary: NOT_AUTHORIZED,
    });
    expect(action).toMatchObject({ target: TOPIC, failed: true });
    expect(action?.error).toContain('is not authorized to perform: SNS:Publish');
  });

  it('names the alarm and the topic and says the topic policy must let CloudWatch publish', () => {
    const results = judgeAlarmActions(
      ['signin-console-success-root'],
      [{ alarmName: 'signin-console-success-root', timestamp: day(20), summary: NOT_AUTHORIZED }],
      7,
    );
    expect(results).toHaveLength(1);
    const line = results.map(formatLine).join('\n');
    expect(line).toMatch(/^✗ alarm signin-console-success-root could not notify arn:aws:sns:/);
    expect(line).toContain(`the topic policy of ${TOPIC} must let cloudwatch.amazonaws.com publish`);
  });

  it('says the KMS key must let CloudWatch use it when the key refused', () => {
    const results = judgeAlarmActions(
      ['a'],
      [
        {
          alarmName: 'a',
          timestamp: day(20),
          summary: `Failed to execute action ${TOPIC}. Received error: "CloudWatch Alarms does not have authorization to access the SNS topic encryption key."`,
        },
      ],
      7,
    );
    expect(results.map(formatLine).join('\n')).toContain('kms:Decrypt');
  });

  it('is fine once a later action on the same topic succeeded', () => {
    const results = judgeAlarmActions(
      ['a'],
      [
        { alarmName: 'a', timestamp: day(20), summary: `Successfully executed action ${TOPIC}` },
        { alarmName: 'a', timestamp: day(19), summary: NOT_AUTHORIZED },
      ],
      7,
    );
    expect(results.map((r) => r.status)).toEqual(['ok']);
  });

  it("ignores the history of alarms that are not this installation's", () => {
    const results = judgeAlarmActions(
      ['a'],
      [{ alarmName: 'someone-else', timestamp: day(20), summary: NOT_AUTHORIZED }],
      7,
    );
    expect(results.map((r) => r.status)).toEqual(['ok']);
  });
});

describe('Slack', () => {
  it("recognises the stack's generated placeholder, not a real JSON secret", () => {
    expect(isGeneratedPlaceholder('Qw8rT5yU2iO9pA3sD6fG1hJ4kL7zX0cV')).toBe(true);
    expect(isGeneratedPlaceholder('{"botToken":"xoxb-1","signingSecret":"s"}')).toBe(false);
    expect(formatLine(judgeSlackSecret('arn:s', { state: 'placeholder' }))).toContain(
      'aws secretsmanager put-secret-value --secret-id arn:s',
    );
  });

  it('is broken when Slack refuses the token, and unsure when Slack answers something else', () => {
    expect(judgeSlackToken({ ok: false, error: 'invalid_auth' }, undefined).status).toBe('broken');
    expect(judgeSlackToken({ ok: false, error: 'token_revoked' }, undefined).status).toBe('broken');
    expect(judgeSlackToken({ ok: false, error: 'fatal_error' }, undefined).status).toBe('unknown');
  });

  it('tells the user to invite the bot into a channel it is not in', () => {
    for (const error of ['not_in_channel', 'channel_not_found']) {
      const line = formatLine(judgeChannel('C0123ABCD', { ok: false, error }));
      expect(line).toMatch(/^✗ the bot is not in channel C0123ABCD/);
      expect(line).toContain('/invite @signins in C0123ABCD');
    }
  });

  it('checks every channel the routing can post to, once', () => {
    const routing = routingSchema.parse({
      channels: { critical: 'C0PAGE', high: 'C0MAIN' },
      accounts: { '111122223333': { channel: 'C0PROD', channels: { critical: 'C0PAGE' } } },
    });
    expect(routedChannels(routing, 'C0MAIN')).toEqual(['C0MAIN', 'C0PAGE', 'C0PROD']);
    expect(routedChannels(DEFAULT_ROUTING, 'C0MAIN')).toEqual(['C0MAIN']);
  });
});

describe('what changed since the last run', () => {
  const fine = ok('trail:t', 'trail t is logging');
  const stopped = broken('trail:t', 'trail t is not logging', 'start it');
  const notChecked = unknown('trail:t', 'trail t', 'throttled');

  it('a newly broken check is worse; one that stays broken is not', () => {
    expect(worsened([fine], [stopped])).toEqual([stopped]);
    expect(worsened([], [stopped])).toEqual([stopped]);
    expect(worsened([stopped], [stopped])).toEqual([]);
  });

  it('a check that could not run is neither worse nor a recovery', () => {
    expect(worsened([fine], [notChecked])).toEqual([]);
    expect(recovered([stopped], [notChecked])).toEqual([]);
  });

  it('a broken check that is fine again is a recovery', () => {
    expect(recovered([stopped], [fine])).toEqual([fine]);
    expect(recovered([fine], [fine])).toEqual([]);
  });

  it('remembers a broken verdict through a run that could not check it', () => {
    const remembered = carryForward([stopped], [notChecked]);
    expect(remembered).toEqual([stopped]);
    expect(worsened(remembered, [stopped])).toEqual([]);
  });
});
