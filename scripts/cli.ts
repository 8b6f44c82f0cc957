// `npm run cli -- <command>`: the console's main actions from a terminal. Exit codes: 0 done, 1 failed, 2 usage.
import 'dotenv/config';
import { parseArgs } from 'node:util';
import { ProactiveSmsClient } from '../src/api-client';
import { CliError, cliErrorOf } from './lib/cli-client';
import { KEY_HELP, resolveApiKey } from './lib/cli-key';
import { campaignAction, followCampaign, importList, listCampaigns } from './lib/cli-commands';

const USAGE = `usage: npm run cli -- <command> [options]

commands:
  lists import <file.csv> --phone-field <column> [--name <name>] [--mobile-field <column>]
                          [--timezone-field <column>] [--region US]   stream a calling list, with a progress bar
  campaigns list                                                        every campaign with its progress
  campaigns start <id> [--no-follow]                                    start, then follow to the end
  campaigns follow <id>                                                 progress bar until completed
  campaigns pause|resume|cancel <id>

options:
  --api-url <url>   the API (env PROACTIVE_SMS_API_URL, default http://127.0.0.1:$PORT or :3000)
  --key-file <file> a file (chmod 600) holding the business unit's API key (env PROACTIVE_SMS_API_KEY_FILE)
                    or set PROACTIVE_SMS_API_KEY; --key <key> works too, with a warning: it shows in logs
  -h, --help        this text`;

const OPTIONS = {
  'api-url': { type: 'string' },
  key: { type: 'string' },
  'key-file': { type: 'string' },
  'phone-field': { type: 'string' },
  'mobile-field': { type: 'string' },
  'timezone-field': { type: 'string' },
  name: { type: 'string' },
  region: { type: 'string' },
  'no-follow': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const COMMANDS = [
  'lists import',
  'campaigns list',
  'campaigns start',
  'campaigns follow',
  'campaigns pause',
  'campaigns resume',
  'campaigns cancel',
];

function usage(message: string): CliError {
  return new CliError(`${message}\n\n${USAGE}`, 2);
}

async function main(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw usage((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const [noun, verb, target] = positionals;
  if (!COMMANDS.includes(`${noun} ${verb}`)) throw usage(`unknown command: ${positionals.join(' ')}`);
  const needTarget = (what: string): string => {
    if (!target) throw usage(`${noun} ${verb} needs ${what}`);
    return target;
  };
  const apiUrl = (
    values['api-url'] ??
    process.env.PROACTIVE_SMS_API_URL ??
    `http://127.0.0.1:${process.env.PORT ?? 3000}`
  ).replace(/\/+$/, '');
  const { key, warnings } = resolveApiKey({ flag: values.key, file: values['key-file'], env: process.env });
  for (const warning of warnings) process.stderr.write(`${warning}\n`);
  if (!key) throw usage(`no API key: ${KEY_HELP} (POST /v1/business-units and POST /v1/api-keys show one once)`);
  const api = new ProactiveSmsClient(apiUrl, key);
  const out = process.stdout;

  if (noun === 'lists' && verb === 'import') {
    const phoneField = values['phone-field'];
    if (!phoneField)
      throw usage('lists import needs --phone-field <column>: the CSV column that holds the phone number');
    return importList(
      api,
      needTarget('a CSV file'),
      {
        phoneField,
        name: values.name,
        mobileField: values['mobile-field'],
        timezoneField: values['timezone-field'],
        region: values.region,
      },
      out,
    );
  }
  if (noun === 'campaigns') {
    if (verb === 'list') return listCampaigns(api, out);
    if (verb === 'follow') return followCampaign(api, needTarget('a campaign id'), out);
    if (verb === 'start') {
      const id = needTarget('a campaign id');
      await campaignAction(api, id, 'start', out);
      return values['no-follow'] ? undefined : followCampaign(api, id, out);
    }
    if (verb === 'pause' || verb === 'resume' || verb === 'cancel')
      return campaignAction(api, needTarget('a campaign id'), verb, out);
  }
  throw usage(`unknown command: ${positionals.join(' ')}`);
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (thrown: unknown) => {
    const error = cliErrorOf(thrown);
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(error instanceof CliError ? error.exitCode : 1);
  },
);
