import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { SLACK_SECRET_KEYS } from '../shared/env-keys';
import { BY_IP_INDEX, BY_USER_INDEX, TABLE_INDEXES, TABLE_KEYS } from '../shared/table-schema';

export interface BotStateProps {
  /**
   * Secret holding the Slack credentials as JSON `{"botToken": "xoxb-…", "signingSecret": "…"}`. Import one with
   * `Secret.fromSecretNameV2` or `Secret.fromSecretCompleteArn`; if it uses a customer-managed KMS key, import it
   * with `fromSecretAttributes({ encryptionKey })` so the functions may decrypt it.
   * @default - a new secret with a random placeholder value; put the real value with `aws secretsmanager put-secret-value`
   */
  readonly slackSecret?: secretsmanager.ISecret;
  /**
   * Indexes to leave out of this deploy. DynamoDB creates one index per table update, so a table deployed before
   * `/signins` queries (without byUser and byIp) takes one deploy with `byIp` left out, then one with neither.
   * @default - none: every index
   */
  readonly deferredIndexes?: readonly string[];
}

/** The indexes `/signins` queries added; the bot answers without them (filters by user or IP fail) for a deploy. */
export const DEFERRABLE_INDEXES: readonly string[] = [BY_USER_INDEX.name, BY_IP_INDEX.name];

/** An index that cannot be left out, or one the table does not have. */
export class DeferredIndexError extends Error {
  override readonly name = 'DeferredIndexError';
}

/** Throws a DeferredIndexError unless every name is one of DEFERRABLE_INDEXES. */
export const checkDeferredIndexes = (names: readonly string[]): void => {
  const wrong = names.find((name) => !DEFERRABLE_INDEXES.includes(name));
  if (wrong !== undefined) {
    throw new DeferredIndexError(
      `deferIndexes: "${wrong}" cannot be left out; only ${DEFERRABLE_INDEXES.join(' or ')} can, for one deploy`,
    );
  }
};

const str = (name: string): dynamodb.Attribute => ({ name, type: dynamodb.AttributeType.STRING });

/** The bot's DynamoDB table and its Slack secret. */
export class BotState extends Construct {
  readonly table: dynamodb.Table;
  /** Names of the table's GSIs (shared/table-schema.ts, less any deferred): every function may query each. */
  readonly indexNames: readonly string[];
  readonly slackSecret: secretsmanager.ISecret;

  constructor(scope: Construct, id: string, props: BotStateProps = {}) {
    super(scope, id);
    const deferred = new Set(props.deferredIndexes ?? []);
    checkDeferredIndexes([...deferred]);
    const indexes = TABLE_INDEXES.filter((index) => !deferred.has(index.name));
    this.indexNames = indexes.map((index) => index.name);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: str(TABLE_KEYS.partitionKey),
      sortKey: str(TABLE_KEYS.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TABLE_KEYS.ttlAttribute,
      // Sign-in history and open alerts survive `cdk destroy`; README "Deploy" says how to delete the table.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: str(index.partitionKey),
        sortKey: str(index.sortKey),
        projectionType: dynamodb.ProjectionType[index.projection],
      });
    }

    this.slackSecret =
      props.slackSecret ??
      new secretsmanager.Secret(this, 'SlackSecret', {
        description: `Slack credentials for the signins bot: JSON {"${SLACK_SECRET_KEYS.botToken}","${SLACK_SECRET_KEYS.signingSecret}"}`,
        // Random placeholder, never a real value in the template: the user puts the real JSON after deploying.
        generateSecretString: { excludePunctuation: true },
      });
  }
}
