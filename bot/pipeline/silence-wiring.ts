// The deployed name of each of the four sign-in alarms: `<alarmNamePrefix>-<name>` when the installation has
// a prefix (CDK context `alarmNamePrefix`, as infra/names.ts names them), else the name itself.
export const alarmNameFor =
  (prefix: string | undefined) =>
  (baseName: string): string =>
    prefix ? `${prefix}-${baseName}` : baseName;
