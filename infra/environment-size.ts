// Lambda refuses a function whose environment variables exceed 4 KB in all, and says so only at deploy time,
// after CloudFormation has begun (and then rolls back). Routing and the identity map are JSON a user writes, so
// they are what grows: estimate the total at synth and fail there, naming the largest values.
// https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
import { Token } from 'aws-cdk-lib';

export const LAMBDA_ENVIRONMENT_LIMIT_BYTES = 4096;

// Names, ARNs and URLs CloudFormation fills in at deploy time (table name, topic ARN, queue URL, …): about 60–130
// characters with the default stack name; 200 leaves room for a longer stack name and region.
export const DEPLOY_TIME_VALUE_BYTES = 200;

/** An environment the functions would be refused with. */
export class EnvironmentTooLargeError extends Error {
  override readonly name = 'EnvironmentTooLargeError';
}

const valueBytes = (value: string): number =>
  Token.isUnresolved(value) ? DEPLOY_TIME_VALUE_BYTES : Buffer.byteLength(value, 'utf8');

/** Estimated size of an environment: every name and value, deploy-time values at a generous length. */
export const estimateEnvironmentBytes = (environment: Readonly<Record<string, string>>): number =>
  Object.entries(environment).reduce(
    (total, [name, value]) => total + Buffer.byteLength(name, 'utf8') + valueBytes(value),
    0,
  );

/** Throws an EnvironmentTooLargeError when `environment` would not fit in a Lambda function's 4 KB. */
export const checkEnvironmentSize = (
  functionName: string,
  environment: Readonly<Record<string, string>>,
): void => {
  const total = estimateEnvironmentBytes(environment);
  if (total <= LAMBDA_ENVIRONMENT_LIMIT_BYTES) return;
  const largest = Object.entries(environment)
    .filter(([, value]) => !Token.isUnresolved(value))
    .map(([name, value]) => ({ name, bytes: Buffer.byteLength(value, 'utf8') }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 2)
    .map(({ name, bytes }) => `${name} ${bytes} B`)
    .join(', ');
  throw new EnvironmentTooLargeError(
    `the ${functionName}'s environment would be about ${total} bytes, over Lambda's ${LAMBDA_ENVIRONMENT_LIMIT_BYTES} ` +
      `(largest: ${largest}); shorten the routing or identityMap JSON`,
  );
};
