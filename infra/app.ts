// The CDK app behind `npx cdk deploy`: one SignInsStack configured from context (README "Deploy"), and with
// `fastPathRegions` a small forwarder stack per other listed region (README "Faster: the EventBridge path").
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { type AppSettings, ContextError, type ContextKey, readContext } from './context';
import { EnvironmentTooLargeError } from './environment-size';
import { addFastPathForwarders, FastPathError } from './fast-path';
import { SignInsStack } from './signins-stack';

const app = new App();

// A user's mistake is one line and exit 1, not a stack trace from the CDK CLI.
const isMistake = (error: unknown): error is Error =>
  error instanceof ContextError ||
  error instanceof EnvironmentTooLargeError ||
  error instanceof FastPathError;

function refuse(error: unknown): never {
  if (!isMistake(error)) throw error;
  process.stderr.write(`signins: ${error.message}\n`);
  process.exit(1);
}

let settings: AppSettings;
try {
  settings = readContext(
    (key: ContextKey) => app.node.tryGetContext(key),
    Object.keys(app.node.getAllContext()),
  );
} catch (error) {
  refuse(error);
}

try {
  const home = new SignInsStack(app, settings.stackName, {
    ...settings.stackProps,
    description: 'signins: Slack alerts for AWS console sign-ins',
    // Both unset without credentials: the stack is then environment-agnostic and still synthesizes.
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  const { fastPathRegions } = settings.stackProps;
  if (fastPathRegions) addFastPathForwarders(app, home, fastPathRegions);
} catch (error) {
  // Settings that are fine one by one may still not fit together (a long routing and identity map).
  refuse(error);
}

// Fails the synth on any unsuppressed finding; suppressions live in infra/nag-suppressions.ts.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
