// How long an orderly stop may take: the HTTP drain (web/server stop timeout), then running generations finishing
// or being handed back (the jobs service's grace), then pools and the embedded database. A supervisor's grace
// period (docker-compose's stop_grace_period) must be above FORCED_EXIT_MS.
export const STOP_BUDGET_MS = 25_000;
/** Past this the process exits 1 by itself rather than wait for the supervisor's SIGKILL. */
export const FORCED_EXIT_MS = STOP_BUDGET_MS + 3_000;
