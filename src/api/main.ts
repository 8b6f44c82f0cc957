import { readConfig } from '../config';
import { startApi } from './start-api';

// Entry point of `npm run api`.
async function main(): Promise<void> {
  const config = readConfig();
  const api = await startApi(config, { host: process.env.HOST }).catch((error: Error) => {
    throw new Error(`could not listen on port ${config.port}: ${error.message}. Set PORT to a free port.`);
  });
  const stop = () => void api.stop().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(`API failed to start: ${error instanceof Error ? error.message : String(error)}`);
  console.error('Check DATABASE_URL and PORT; `npm start` runs everything locally.');
  process.exit(1);
});
