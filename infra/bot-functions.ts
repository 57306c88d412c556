import * as path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV, HEALTH_ENV } from '../shared/env-keys';
import { HANDLERS } from '../shared/handlers';
import { FUNCTION_TIMEOUT_SECONDS } from '../shared/timeouts';
import { checkEnvironmentSize } from './environment-size';
import {
  type BotFunctionRole,
  eventHistoryStatement,
  signInAlarmActionsStatement,
  tableStatements,
} from './function-permissions';
import { GEO_LAYER_DIR, GeoLayer } from './geo-layer';

const REPO_ROOT = path.join(__dirname, '..');

// Local esbuild only (there is no Docker). The AWS SDK is bundled, not taken from the runtime: the bot is tested
// against the pinned @aws-sdk versions in package-lock.json, and a minified bundle of the few clients used loads
// faster than the runtime's full SDK. dynalite and tsx serve only local runs (`npm start`) and must not ship.
// Cold start (bench/bundles.ts, P3): `module` first takes the SDK's ES builds, which esbuild tree-shakes (the
// worker's bundle 1.7 → 1.4 MB); the source map keeps its mappings (stack traces still name our files and
// lines) but not a copy of every source, which NODE_OPTIONS=--enable-source-maps reads at every cold start.
export const BUNDLING: nodejs.BundlingOptions = {
  forceDockerBundling: false,
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  mainFields: ['module', 'main'],
  target: 'node24',
  format: nodejs.OutputFormat.CJS,
  bundleAwsSDK: true,
  externalModules: ['dynalite', 'tsx'],
};

const RUNTIME = lambda.Runtime.NODEJS_24_X;
const ARCHITECTURE = lambda.Architecture.ARM_64;

export interface BotFunctionsProps {
  readonly table: dynamodb.ITable;
  /** Names of the table's GSIs: each function may query them, by name. */
  readonly tableIndexes: readonly string[];
  /** ARNs of the four sign-in alarms, whose actions a silence switches off and on. */
  readonly signInAlarmArns: readonly string[];
  readonly slackSecret: secretsmanager.ISecret;
  /** Where the worker and the sweeper publish alerts nobody could post to Slack. */
  readonly escalationTopic: sns.ITopic;
  /** Environment shared by the three functions (names from shared/env-keys.ts). */
  readonly environment: Readonly<Record<string, string>>;
  /**
   * How long the functions' own logs are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

interface FunctionSpec {
  readonly handler: (typeof HANDLERS)[keyof typeof HANDLERS];
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  /** Which function it is: what it may do with the table (infra/function-permissions.ts). */
  readonly role: BotFunctionRole;
  /** Variables this function alone needs, besides the shared environment. */
  readonly environment?: Readonly<Record<string, string>>;
  /** Looks up where sign-ins come from: gets the geo data layer and SIGNINS_GEO_DIR. */
  readonly geoData?: boolean;
}

/** The bot's three Lambda functions: events worker, Slack ingress (public URL) and the one-minute sweeper. */
export class BotFunctions extends Construct {
  /** Handles alarm notifications (SNS) and CloudTrail records (CloudWatch Logs subscription). */
  readonly eventsWorker: nodejs.NodejsFunction;
  /** Answers Slack (events, interactivity, slash command) through its Function URL. */
  readonly slackIngress: nodejs.NodejsFunction;
  /** Runs every minute for timeouts, expiries and retries of undelivered posts. */
  readonly sweeper: nodejs.NodejsFunction;
  readonly slackIngressUrl: lambda.FunctionUrl;
  /** Where the events worker's failed asynchronous invocations land after retries. */
  readonly eventsWorkerFailures: sqs.Queue;
  /** Country and network data for the worker (cards) and the ingress (`/signins` answers). */
  readonly geoData: GeoLayer;

  constructor(scope: Construct, id: string, props: BotFunctionsProps) {
    super(scope, id);

    this.geoData = new GeoLayer(this, 'GeoData', { runtime: RUNTIME, architecture: ARCHITECTURE });
    this.eventsWorkerFailures = new sqs.Queue(this, 'EventsWorkerFailures', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.eventsWorker = this.botFunction('EventsWorker', props, {
      handler: HANDLERS.eventsWorker,
      description: 'signins: alarm notifications and CloudTrail sign-in records to Slack',
      memorySize: 512,
      timeout: Duration.seconds(FUNCTION_TIMEOUT_SECONDS.eventsWorker),
      role: 'worker',
      geoData: true,
    });
    // SNS and CloudWatch Logs invoke asynchronously: after Lambda's two retries the event goes to the queue.
    this.eventsWorker.configureAsyncInvoke({
      retryAttempts: 2,
      onFailure: new destinations.SqsDestination(this.eventsWorkerFailures),
    });
    // Its alarm (a non-empty queue) is one of the pipeline-health alarms (infra/health-alarms.ts).

    // Slack gives up after 3 s and Bolt on Lambda answers only once the listener is done, cold start included.
    // Lambda allots CPU in proportion to memory: at 1024 MB loading the bundle, reading the secret and running
    // the listener fit well inside 3 s; at 128–256 MB a cold start alone can take that long.
    this.slackIngress = this.botFunction('SlackIngress', props, {
      handler: HANDLERS.slackIngress,
      description: 'signins: Slack events, interactivity and the /signins command',
      memorySize: 1024,
      timeout: Duration.seconds(FUNCTION_TIMEOUT_SECONDS.slackIngress),
      role: 'ingress',
      environment: { [ENV.workerFunction]: this.eventsWorker.functionName },
      geoData: true,
    });
    // Slow parts of a click (DMs, user look-ups, SNS pages) go to the worker as an asynchronous invoke. On the
    // function's own ARN: grantInvoke would add `:*` (every version and alias), which nothing here uses.
    this.slackIngress.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'HandSlowWorkToTheWorker',
        actions: ['lambda:InvokeFunction'],
        resources: [this.eventsWorker.functionArn],
      }),
    );
    // Slack's request signature (checked by Bolt with the signing secret) is the authentication.
    this.slackIngressUrl = this.slackIngress.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });

    this.sweeper = this.botFunction('Sweeper', props, {
      handler: HANDLERS.sweeper,
      description: 'signins: alert timeouts, expiries and retries, every minute',
      memorySize: 512,
      // Shorter than the schedule, so runs do not pile up.
      timeout: Duration.seconds(FUNCTION_TIMEOUT_SECONDS.sweeper),
      role: 'sweeper',
    });
    // A failed tick is superseded by the next one a minute later: no retries.
    this.sweeper.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(2) });
    new events.Rule(this, 'SweeperSchedule', {
      description: 'signins: run the sweeper every minute',
      schedule: events.Schedule.rate(Duration.minutes(1)),
      targets: [new targets.LambdaFunction(this.sweeper, { retryAttempts: 0 })],
    });

    // A `/signins` window older than the table is looked back in CloudTrail event history by the worker.
    this.eventsWorker.addToRolePolicy(eventHistoryStatement());

    // Give-ups and escalations (issue 6, item 6): the worker and the sweeper post, so both may escalate.
    props.escalationTopic.grantPublish(this.eventsWorker);
    props.escalationTopic.grantPublish(this.sweeper);
  }

  private botFunction(id: string, props: BotFunctionsProps, spec: FunctionSpec): nodejs.NodejsFunction {
    const logGroup = new logs.LogGroup(this, `${id}Logs`, {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An own role instead of the AWSLambdaBasicExecutionRole managed policy: it may write to its log group only.
    const role = new iam.Role(this, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `signins ${id}: table, Slack secret, escalation topic`,
    });
    logGroup.grantWrite(role);

    const environment = {
      ...props.environment,
      // `signins redrive` and the health checks find the failure queue through the functions' environment.
      [HEALTH_ENV.failureQueueUrl]: this.eventsWorkerFailures.queueUrl,
      ...spec.environment,
      ...(spec.geoData ? { [ENV.geoDir]: GEO_LAYER_DIR } : {}),
    };
    checkEnvironmentSize(id, environment);
    const fn = new nodejs.NodejsFunction(this, id, {
      entry: path.join(REPO_ROOT, spec.handler.entry),
      handler: spec.handler.exportName,
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      runtime: RUNTIME,
      architecture: ARCHITECTURE,
      layers: spec.geoData ? [this.geoData.layer] : undefined,
      description: spec.description,
      memorySize: spec.memorySize,
      timeout: spec.timeout,
      role,
      logGroup,
      environment,
      bundling: BUNDLING,
    });
    // Only what the code calls.
    for (const statement of tableStatements(
      { tableArn: props.table.tableArn, indexNames: props.tableIndexes },
      spec.role,
    ))
      fn.addToRolePolicy(statement);
    // Silences are made and ended in the ingress (alarms off at once), swept by the sweeper, and the worker
    // shares the runtime that holds them.
    fn.addToRolePolicy(signInAlarmActionsStatement(props.signInAlarmArns));
    props.slackSecret.grantRead(fn);
    return fn;
  }
}
