import { Match } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { arnOf, type BuiltStack, buildStack, logicalId } from './stacks';

describe('a new trail', () => {
  let built: BuiltStack;
  beforeAll(() => {
    built = buildStack({ trail: { logRetention: logs.RetentionDays.ONE_MONTH } });
  });

  it('records management events from every region with log file validation', () => {
    built.template.hasResourceProperties('AWS::CloudTrail::Trail', {
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      IsLogging: true,
      EventSelectors: [{ IncludeManagementEvents: true, ReadWriteType: 'All' }],
    });
  });

  it('delivers to the log group the alarms read, through a role that may write only there', () => {
    const trail = built.stack.alerts.trail;
    const logGroup = arnOf(trail.logGroup);
    built.template.hasResourceProperties('AWS::CloudTrail::Trail', {
      CloudWatchLogsLogGroupArn: logGroup,
      CloudWatchLogsRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('LogsRole'), 'Arn'] },
    });
    built.template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          { Effect: 'Allow', Action: ['logs:PutLogEvents', 'logs:CreateLogStream'], Resource: logGroup },
        ],
      },
    });
  });

  it('keeps the log group for the configured retention', () => {
    built.template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('writes to an encrypted, private, TLS-only bucket that expires old files and outlives the stack', () => {
    const bucket = built.stack.alerts.trail.bucket;
    expect(bucket).toBeDefined();
    built.template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        LifecycleConfiguration: {
          Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 365, Status: 'Enabled' })]),
        },
      },
    });
    built.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalId(bucket as NonNullable<typeof bucket>) },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('an existing log group', () => {
  let built: BuiltStack;
  beforeAll(() => {
    built = buildStack({ trail: { existingLogGroupName: 'aws-cloudtrail-logs-123456789012' } });
  });

  it('creates no trail, bucket or trail log group', () => {
    built.template.resourceCountIs('AWS::CloudTrail::Trail', 0);
    built.template.resourceCountIs('AWS::S3::Bucket', 0);
    // The only log groups left are the three functions' own.
    expect(Object.keys(built.template.findResources('AWS::Logs::LogGroup'))).toHaveLength(3);
  });

  it('attaches the sign-in and tamper metric filters and the subscription filter to that log group', () => {
    const onExisting = { LogGroupName: 'aws-cloudtrail-logs-123456789012' };
    expect(
      Object.keys(built.template.findResources('AWS::Logs::MetricFilter', { Properties: onExisting })),
    ).toHaveLength(6);
    built.template.hasResourceProperties('AWS::Logs::SubscriptionFilter', onExisting);
  });
});

describe('an organization trail', () => {
  let built: BuiltStack;
  beforeAll(() => {
    built = buildStack({ trail: { organizationTrail: true, organizationId: 'o-a1b2c3d4e5' } });
  });

  it('is created as an organization trail with a known name', () => {
    built.template.hasResourceProperties('AWS::CloudTrail::Trail', {
      IsOrganizationTrail: true,
      IsMultiRegionTrail: true,
      TrailName: 'SignInsTest-signins',
    });
  });

  it("lets the trail write the organization's log files to the bucket", () => {
    built.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 's3:PutObject',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Resource: { 'Fn::Join': ['', Match.arrayWith(['/AWSLogs/o-a1b2c3d4e5/*'])] },
          }),
        ]),
      },
    });
  });

  it('refuses to build without the organization ID', () => {
    expect(() => buildStack({ trail: { organizationTrail: true } })).toThrow(/organizationId/);
  });
});
