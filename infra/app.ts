// The CDK app behind `npx cdk deploy`: one SignInsStack configured from context (README "Deploy").
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { type ContextKey, readContext } from './context';
import { SignInsStack } from './signins-stack';

const app = new App();
const settings = readContext((key: ContextKey) => app.node.tryGetContext(key));

new SignInsStack(app, settings.stackName, {
  ...settings.stackProps,
  description: 'signins: Slack alerts for AWS console sign-ins',
  // Both unset without credentials: the stack is then environment-agnostic and still synthesizes.
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});

// Fails the synth on any unsuppressed finding; suppressions live in infra/nag-suppressions.ts.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
