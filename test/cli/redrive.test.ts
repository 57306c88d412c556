// `signins redrive`: the failure queue's records go back to the worker, and a message leaves the queue only
// once Lambda accepted its event again. SQS and Lambda through aws-sdk-client-mock (no AWS in tests).
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { main } from '../../bot/cli/main';
import { lines, runCli } from './run-cli';

const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/111122223333/SignIns-EventsWorkerFailures';
const WORKER = 'arn:aws:lambda:eu-west-1:111122223333:function:SignIns-EventsWorker';

/** An on-failure destination record, as Lambda writes it to the queue. */
const record = (requestId: string, payload: unknown) => ({
  version: '1.0',
  timestamp: '2026-11-20T09:20:00.000Z',
  requestContext: {
    requestId,
    functionArn: `${WORKER}:$LATEST`,
    condition: 'RetriesExhausted',
    approximateInvokeCount: 3,
  },
  requestPayload: payload,
  responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
  responsePayload: { errorType: 'StoreUnavailable', errorMessage: 'table did not answer' },
});

const message = (id: string, body: unknown) => ({
  MessageId: id,
  ReceiptHandle: `receipt-${id}`,
  Body: typeof body === 'string' ? body : JSON.stringify(body),
});

const capture = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
};

describe('signins redrive', () => {
  const sqs = mockClient(SQSClient);
  const lambda = mockClient(LambdaClient);
  beforeEach(() => {
    sqs.reset();
    lambda.reset();
  });
  afterAll(() => {
    sqs.restore();
    lambda.restore();
  });

  it('re-invokes the worker asynchronously with each original event and deletes only what Lambda accepted', async () => {
    const first = { awslogs: { data: 'H4sIAAAA-first' } };
    const second = { awslogs: { data: 'H4sIAAAA-second' } };
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [message('m1', record('r1', first)), message('m2', record('r2', second))] })
      .resolves({ Messages: [] });
    sqs.on(DeleteMessageCommand).resolves({});
    lambda
      .on(InvokeCommand)
      .resolvesOnce({ StatusCode: 202 })
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' }));

    const { io, out, err } = capture();
    const code = await main(['redrive', '--queue-url', QUEUE], io);

    expect(code).toBe(1);
    const invokes = lambda.commandCalls(InvokeCommand).map((c) => c.args[0].input);
    expect(invokes.map((i) => [i.FunctionName, i.InvocationType])).toEqual([
      [WORKER, 'Event'],
      [WORKER, 'Event'],
    ]);
    expect(JSON.parse(new TextDecoder().decode(invokes[0]?.Payload as Uint8Array))).toEqual(first);
    expect(JSON.parse(new TextDecoder().decode(invokes[1]?.Payload as Uint8Array))).toEqual(second);
    // m2's invoke was refused: it stays in the queue for the next redrive.
    expect(sqs.commandCalls(DeleteMessageCommand).map((c) => c.args[0].input)).toEqual([
      { QueueUrl: QUEUE, ReceiptHandle: 'receipt-m1' },
    ]);
    expect(out).toEqual([
      `replayed m1 (RetriesExhausted, 3 attempts, StoreUnavailable: table did not answer) to ${WORKER}`,
    ]);
    expect(err).toEqual([
      `signins: kept m2 (RetriesExhausted, 3 attempts, StoreUnavailable: table did not answer): invoking ${WORKER} was throttled: try again`,
      'signins: 1 replayed, 1 kept in the queue',
    ]);
  });

  it('--function overrides the record, and a bare event (dead-letter queue) is replayed as it is', async () => {
    const bare = { awslogs: { data: 'H4sIAAAA-bare' } };
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [message('m1', bare)] })
      .resolves({ Messages: [] });
    sqs.on(DeleteMessageCommand).resolves({});
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    const { io, err } = capture();
    expect(await main(['redrive', '--queue-url', QUEUE, '--function', 'my-worker'], io)).toBe(0);
    const [invoke] = lambda.commandCalls(InvokeCommand).map((c) => c.args[0].input);
    expect(invoke?.FunctionName).toBe('my-worker');
    expect(JSON.parse(new TextDecoder().decode(invoke?.Payload as Uint8Array))).toEqual(bare);
    expect(err.at(-1)).toBe('signins: 1 replayed, 0 kept in the queue');
  });

  it('--dry-run invokes nothing and deletes nothing, and stops when the queue hands back what it already saw', async () => {
    sqs.on(ReceiveMessageCommand).resolves({ Messages: [message('m1', record('r1', { a: 1 }))] });
    const { io, out, err } = capture();
    expect(await main(['redrive', '--queue-url', QUEUE, '--dry-run'], io)).toBe(0);
    expect(lambda.commandCalls(InvokeCommand)).toEqual([]);
    expect(sqs.commandCalls(DeleteMessageCommand)).toEqual([]);
    expect(sqs.commandCalls(ReceiveMessageCommand)).toHaveLength(2);
    expect(out).toEqual([
      `would replay m1 (RetriesExhausted, 3 attempts, StoreUnavailable: table did not answer) to ${WORKER}`,
    ]);
    expect(err.at(-1)).toMatch(
      /^signins: dry run: 1 would be replayed, 0 would stay in the queue; nothing changed/,
    );
  });

  it('keeps a message that is not JSON, naming it', async () => {
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [message('m1', 'not json')] })
      .resolves({});
    const { io, err } = capture();
    expect(await main(['redrive', '--queue-url', QUEUE], io)).toBe(1);
    expect(lambda.commandCalls(InvokeCommand)).toEqual([]);
    expect(err[0]).toBe('signins: kept m1 (message body is not JSON): the record holds no event to replay');
  });

  it('without a queue URL says where to find it', async () => {
    const { io, err } = capture();
    expect(await main(['redrive'], io)).toBe(1);
    expect(err).toEqual([
      'signins: redrive needs the failure queue: --queue-url URL or SIGNINS_FAILURE_QUEUE_URL (find it with: aws sqs list-queues --queue-name-prefix SignIns)',
    ]);
  });
});

describe('signins redrive offline', () => {
  // The SDK sends to the queue URL's host: keep it on 127.0.0.1, where nothing listens on port 9.
  const LOCAL_QUEUE = 'http://127.0.0.1:9/111122223333/SignIns-EventsWorkerFailures';

  it('with AWS out of reach is one line and exit 1, not a stack trace', async () => {
    const run = await runCli(['redrive', '--queue-url', LOCAL_QUEUE], {
      env: {
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'secret',
        AWS_REGION: 'eu-west-1',
        AWS_MAX_ATTEMPTS: '1',
      },
    });
    expect(run.code).toBe(1);
    expect(lines(run.stderr)).toEqual([
      expect.stringMatching(/^signins: reading the failure queue: cannot reach AWS \(ECONNREFUSED\)/),
    ]);
  });

  it('without credentials is one line saying how to give them', async () => {
    const run = await runCli(['redrive', '--queue-url', QUEUE], {
      env: { HOME: '/nonexistent', AWS_MAX_ATTEMPTS: '1' },
    });
    expect(run.code).toBe(1);
    expect(lines(run.stderr)).toEqual([
      'signins: reading the failure queue: cannot reach AWS (no credentials found): set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
    ]);
  });
});
