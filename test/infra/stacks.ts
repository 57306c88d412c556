// Builds SignInsStack variants for the infra tests. Synthesizing costs seconds, so each test file builds the
// variants it needs once (beforeAll); bundling runs only where the test reads the bundle.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { SignInsStack, type SignInsStackProps } from '../../infra/signins-stack';

export const CHANNEL = 'C0123ABCD';

// Each synth writes a cloud assembly (with bundles, when bundling); remove them when the test file is done.
const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export interface BuiltStack {
  readonly app: App;
  readonly stack: SignInsStack;
  readonly template: Template;
}

/** An App whose cloud assembly goes to a temporary directory removed after the test file. */
export const testApp = (options: { bundle?: boolean } = {}): App => {
  const outdir = mkdtempSync(path.join(tmpdir(), 'signins-infra-test-'));
  outdirs.push(outdir);
  return new App({ outdir, context: options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] } });
};

export const buildStack = (
  props: Partial<SignInsStackProps['alerts']> = {},
  options: { bundle?: boolean; existingSecret?: string } = {},
): BuiltStack => {
  const app = testApp(options);
  const stack = new SignInsStack(app, 'SignInsTest', {
    existingSecret: options.existingSecret,
    alerts: { slackChannel: CHANNEL, ...props },
  });
  return { app, stack, template: Template.fromStack(stack) };
};

/** The logical ID CloudFormation sees for an L2 construct. */
export const logicalId = (construct: IConstruct): string => {
  const stack = Stack.of(construct);
  return stack.resolve(stack.getLogicalId(construct.node.defaultChild as CfnElement));
};

export const ref = (construct: IConstruct) => ({ Ref: logicalId(construct) });
export const arnOf = (construct: IConstruct) => ({ 'Fn::GetAtt': [logicalId(construct), 'Arn'] });

export interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}

export const actionsOf = (statement: Statement): string[] =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];

/** Every identity-policy statement granted to a role (inline AWS::IAM::Policy resources naming it). */
export const statementsOfRole = (template: Template, roleLogicalId: string): Statement[] =>
  Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) =>
      (policy.Properties.Roles as unknown[]).some(
        (r) => JSON.stringify(r) === JSON.stringify({ Ref: roleLogicalId }),
      ),
    )
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
