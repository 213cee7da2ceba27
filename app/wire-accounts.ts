// Wires the accounts: the SQL repository and the AccountService over it. Made before billing, the chat side and
// the web, which all read accounts (targets to tell a user, admin flags, locales).
import { AccountService } from '../core/accounts/account-service.ts';
import { SqlAccountsRepo } from '../infra/db/accounts-repo.ts';
import type { Sequelize } from 'sequelize';
import type { Config } from './config.ts';

export interface AccountsWiring {
  repo: SqlAccountsRepo;
  service: AccountService;
}

export function wireAccounts(config: Pick<Config, 'adminIds' | 'defaultLocale'>, sequelize: Sequelize): AccountsWiring {
  const repo = new SqlAccountsRepo(sequelize);
  return {
    repo,
    service: new AccountService(repo, { adminIds: config.adminIds, defaultLocale: config.defaultLocale }),
  };
}
