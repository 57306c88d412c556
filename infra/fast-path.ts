// The EventBridge fast path (README "Faster: the EventBridge path"): CloudTrail puts each console sign-in on the
// default event bus of the region that recorded it, seconds after it happened, while the CloudWatch Logs path
// takes minutes. A rule in the home region hands them to the events worker; a small stack in each other listed
// region forwards them to the home region's bus. The Logs path stays: the worker's eventID idempotency makes the
// two deliveries one card.
import { Duration, Stack, type StackProps, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * What CloudTrail calls an `AwsConsoleSignIn` record on the bus (SIGNIN-FACTS §5: `source: aws.signin`).
 * Identity Center sign-ins are `AwsServiceEvent` records and arrive by the Logs path only.
 */
export const SIGN_IN_DETAIL_TYPE = 'AWS Console Sign In via CloudTrail';

/**
 * The events that are a sign-in or a root credential change, the ones a card is about (bot/core/classify.ts).
 * Steps of a sign-in (CheckMfa, ExitRole, RenewRole) are stored when the Logs path brings them.
 */
export const FAST_PATH_EVENT_NAMES = [
  'ConsoleLogin',
  'SwitchRole',
  'PasswordUpdated',
  'ExternalIdPDirectoryLogin',
] as const;

/** The same pattern in every region, so that a forwarded event matches the home rule too. */
export const SIGN_IN_EVENT_PATTERN: events.EventPattern = {
  source: ['aws.signin'],
  detailType: [SIGN_IN_DETAIL_TYPE],
  detail: { eventSource: ['signin.amazonaws.com'], eventName: [...FAST_PATH_EVENT_NAMES] },
};

/** A fast-path setting that cannot be deployed; infra/app.ts prints its message as one line. */
export class FastPathError extends Error {
  override readonly name = 'FastPathError';
}

export interface FastPathTargetProps {
  /** The events worker. */
  readonly worker: lambda.IFunction;
  /** Where an event EventBridge could not hand to the worker lands: the worker's failure queue. */
  readonly deadLetterQueue: sqs.IQueue;
  /**
   * How long EventBridge keeps trying to invoke the worker.
   * @default Duration.hours(1)
   */
  readonly maxEventAge?: Duration;
  /**
   * How many times EventBridge retries an invoke Lambda refused (throttling, a service fault).
   * @default 10
   */
  readonly retryAttempts?: number;
}

/** The home region's rule: sign-ins recorded here and those the other regions forward go to the events worker. */
export class FastPathTarget extends Construct {
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: FastPathTargetProps) {
    super(scope, id);
    this.rule = new events.Rule(this, 'SignInRule', {
      description:
        'signins fast path: console sign-ins (this region and forwarded ones) to the events worker',
      eventPattern: SIGN_IN_EVENT_PATTERN,
      targets: [
        // Past an hour the Logs path has long delivered the record; what still fails lands in the failure queue,
        // whose alarm says the worker could not be reached.
        new targets.LambdaFunction(props.worker, {
          deadLetterQueue: props.deadLetterQueue,
          maxEventAge: props.maxEventAge ?? Duration.hours(1),
          retryAttempts: props.retryAttempts ?? 10,
        }),
      ],
    });
  }
}

export interface FastPathForwarderProps extends StackProps {
  /** The region of the SignInsStack whose default event bus receives the sign-ins. */
  readonly homeRegion: string;
}

/**
 * One region's forwarder: its console sign-ins go to the home region's default event bus (same account).
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-region.html
 */
export class FastPathForwarderStack extends Stack {
  readonly rule: events.Rule;
  /** The bus events are put on; the forwarding role may put events there and nowhere else. */
  readonly homeBusArn: string;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: FastPathForwarderProps) {
    super(scope, id, props);
    if (Token.isUnresolved(this.region)) {
      throw new FastPathError(`${id}: a forwarder stack needs its region (env.region)`);
    }
    if (this.region === props.homeRegion) {
      throw new FastPathError(`${id}: ${this.region} is the home region; its rule is in the home stack`);
    }
    // In this stack's own account, whatever it resolves to at deploy time: the fast path never leaves the account.
    this.homeBusArn = this.formatArn({
      service: 'events',
      region: props.homeRegion,
      resource: 'event-bus',
      resourceName: 'default',
    });
    this.role = new iam.Role(this, 'ForwardRole', {
      description: `signins fast path: put console sign-ins on the default event bus in ${props.homeRegion}`,
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': this.account },
      }),
    });
    this.rule = new events.Rule(this, 'ForwardSignIns', {
      description: `signins fast path: console sign-ins recorded in ${this.region} to ${props.homeRegion}`,
      eventPattern: SIGN_IN_EVENT_PATTERN,
      targets: [
        new targets.EventBus(events.EventBus.fromEventBusArn(this, 'HomeBus', this.homeBusArn), {
          role: this.role,
        }),
      ],
    });
  }
}

/**
 * A forwarder stack (`<home stack name>FastPath-<region>`) for each listed region other than the home one,
 * deployed after the home stack so that nothing is forwarded to a bus without the rule.
 */
export const addFastPathForwarders = (
  app: Construct,
  home: Stack,
  regions: readonly string[],
  props: Omit<StackProps, 'env'> = {},
): FastPathForwarderStack[] => {
  const homeRegion = home.region;
  if (Token.isUnresolved(homeRegion)) {
    throw new FastPathError(
      'fastPathRegions needs to know the home region to forward to: give the CDK a region ' +
        '(--profile with a region, or AWS_REGION / CDK_DEFAULT_REGION)',
    );
  }
  const account = Token.isUnresolved(home.account) ? undefined : home.account;
  return [...new Set(regions)]
    .filter((region) => region !== homeRegion)
    .map((region) => {
      const forwarder = new FastPathForwarderStack(app, `${home.stackName}FastPath-${region}`, {
        ...props,
        description: `signins fast path: console sign-ins recorded in ${region} to ${homeRegion}`,
        env: { account, region },
        homeRegion,
      });
      forwarder.addStackDependency(home, 'the home rule must exist before anything is forwarded to its bus');
      return forwarder;
    });
};
