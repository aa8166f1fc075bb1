// The emulator's own credentials: it accepts any signature and reads the calling account from the
// access key id (its first run of 12 digits, see accountOf in server.ts), so these keys only pick
// the account. They are for the emulator alone; the worker uses them only with DRS_EMULATOR=true.
import { DEFAULT_ACCOUNT } from './inventory';

export function emulatorCredentials(accountId: string = DEFAULT_ACCOUNT): {
  accessKeyId: string;
  secretAccessKey: string;
} {
  return { accessKeyId: `AKIA${accountId}EMU`, secretAccessKey: 'emulator-secret' };
}
