// The deployed name of one of the four sign-in alarms, from the installation's names (`config.signInAlarms`,
// in SIGNIN_ALARMS order, which the config derives from the alarm prefix): one naming rule, the config's.
import { SIGNIN_ALARMS } from '../../shared/alarms';

export const deployedAlarmName =
  (deployed: readonly string[]) =>
  (baseName: string): string =>
    deployed[SIGNIN_ALARMS.findIndex((a) => a.name === baseName)] ?? baseName;
