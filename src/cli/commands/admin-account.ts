import type { Command } from 'commander';
import type { UpdateAccountInput } from '../../accounts/index.js';
import type { AccountCreated, AccountResponse } from '../../api/admin/index.js';
import { formatTable, printResult, yesNo } from '../output.js';
import type { CliIo } from '../io.js';
import { usageInvalid, usageMissing } from '../usage-errors.js';
import { accessKeyIdArg, accountNameArg, emailListArg } from '../validate.js';
import { adminLeaf } from './admin-leaf.js';

type Flags = Record<string, unknown>;
type AccountView = AccountResponse['account'];

/** The new keys as lines a user can paste into a shell or an env file; the rest are comments. */
export function formatNewAccount(created: AccountCreated): string {
  const { account } = created;
  return [
    `AWS_ACCESS_KEY_ID=${created.accessKeyId}`,
    `AWS_SECRET_ACCESS_KEY=${created.secretAccessKey}`,
    `# account: ${account.name} (signed up: ${yesNo(account.signedUp)})`,
    `# e-mail addresses: ${account.emails.join(', ')}`,
    '# The secret access key is shown only this once; keep it safe.',
  ].join('\n');
}

/** One account as `label  value` lines. */
export function formatAccount(account: AccountView): string {
  return formatTable(
    ['access key ID', account.accessKeyId],
    [
      ['name', account.name],
      ['e-mail addresses', account.emails.join(', ')],
      ['signed up', yesNo(account.signedUp)],
      ['problem', yesNo(account.problem)],
      ['created', account.createdAt],
    ],
  );
}

/** All accounts as a table. */
export function formatAccounts(accounts: readonly AccountView[]): string {
  if (accounts.length === 0) {
    return 'No accounts yet; create one with `longshore admin account create --email ADDR`.';
  }
  const rows = accounts.map((a) => [
    a.accessKeyId,
    a.name,
    yesNo(a.signedUp),
    yesNo(a.problem),
    a.emails.join(', '),
  ]);
  return formatTable(['ACCESS KEY ID', 'NAME', 'SIGNED UP', 'PROBLEM', 'E-MAIL ADDRESSES'], rows);
}

/** The changes `admin account update` asks for; usage errors for none or contradicting flags. */
export function updateInput(flags: Flags): UpdateAccountInput {
  if (flags.signedUp && flags.notSignedUp) {
    usageInvalid('--signed-up', undefined, 'choose either --signed-up or --not-signed-up');
  }
  const input: UpdateAccountInput = {};
  if (typeof flags.problem === 'boolean') input.problem = flags.problem;
  if (flags.signedUp || flags.notSignedUp) input.signedUp = Boolean(flags.signedUp);
  if (Array.isArray(flags.email)) input.emails = flags.email as string[];
  if (typeof flags.name === 'string') input.name = flags.name;
  if (Object.keys(input).length === 0) {
    usageMissing(
      '--problem, --no-problem, --signed-up, --not-signed-up, --email or --name',
      'give at least one change',
    );
  }
  return input;
}

/** `admin account create|update|list`. */
export function registerAccountCommands(account: Command, io: CliIo): void {
  const create = account
    .command('create')
    .description('create an account and print its access key ID and secret access key (shown only once)')
    .requiredOption(
      '--email <ADDR>',
      'registered e-mail address (repeat, or separate with commas, for more)',
      emailListArg,
    )
    .option('--name <NAME>', 'account name (default: the first address)', accountNameArg)
    .option('--not-signed-up', 'create the account not signed up: its requests fail with NotSignedUp');
  const runCreate = adminLeaf(create, io);
  create.action((flags: Flags) =>
    runCreate(flags, async ({ client, config }) => {
      const input = {
        emails: flags.email as string[],
        name: flags.name as string | undefined,
        signedUp: !flags.notSignedUp,
      };
      const created = await client.createAccount(input);
      printResult(io, config.json, created, formatNewAccount(created));
    }),
  );

  const update = account
    .command('update')
    .description('change an account: problem flag, signed-up flag, addresses, name')
    .argument('<ACCESS_KEY_ID>', 'the account to change', accessKeyIdArg('ACCESS_KEY_ID'))
    .option('--problem', 'mark the account as having a problem: its requests fail with AccountProblem')
    .option('--no-problem', 'clear the problem mark')
    .option('--signed-up', 'mark the account as signed up')
    .option('--not-signed-up', 'mark the account as not signed up: its requests fail with NotSignedUp')
    .option(
      '--email <ADDR>',
      'replace the registered addresses (repeat, or separate with commas, for more)',
      emailListArg,
    )
    .option('--name <NAME>', 'new account name', accountNameArg);
  const runUpdate = adminLeaf(update, io);
  update.action((accessKeyId: string, flags: Flags) =>
    runUpdate(flags, async ({ client, config }) => {
      const result = await client.updateAccount(accessKeyId, updateInput(flags));
      printResult(io, config.json, result, formatAccount(result.account));
    }),
  );

  const list = account.command('list').description('list every account (never the secrets)');
  const runList = adminLeaf(list, io);
  list.action((flags: Flags) =>
    runList(flags, async ({ client, config }) => {
      const result = await client.listAccounts();
      printResult(io, config.json, result, formatAccounts(result.accounts));
    }),
  );
}
