import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { SLACK_SECRET_KEYS } from '../shared/env-keys';
import { BY_TIME_INDEX, PENDING_INDEX, TABLE_KEYS } from '../shared/table-schema';

export interface BotStateProps {
  /**
   * Secret holding the Slack credentials as JSON `{"botToken": "xoxb-…", "signingSecret": "…"}`. Import one with
   * `Secret.fromSecretNameV2` or `Secret.fromSecretCompleteArn`; if it uses a customer-managed KMS key, import it
   * with `fromSecretAttributes({ encryptionKey })` so the functions may decrypt it.
   * @default - a new secret with a random placeholder value; put the real value with `aws secretsmanager put-secret-value`
   */
  readonly slackSecret?: secretsmanager.ISecret;
}

const str = (name: string): dynamodb.Attribute => ({ name, type: dynamodb.AttributeType.STRING });

/** The bot's DynamoDB table and its Slack secret. */
export class BotState extends Construct {
  readonly table: dynamodb.Table;
  readonly slackSecret: secretsmanager.ISecret;

  constructor(scope: Construct, id: string, props: BotStateProps = {}) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: str(TABLE_KEYS.partitionKey),
      sortKey: str(TABLE_KEYS.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TABLE_KEYS.ttlAttribute,
      // Sign-in history and open alerts survive `cdk destroy`; README "Deploy" says how to delete the table.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of [BY_TIME_INDEX, PENDING_INDEX]) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: str(index.partitionKey),
        sortKey: str(index.sortKey),
        projectionType: dynamodb.ProjectionType.ALL,
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
