import { createServices } from "../app.ts";
import { AppError } from "../core/errors.ts";
import { createLogger } from "../logger.ts";
import { createMinerWorker } from "../miner/worker.ts";
import { parseCommandArgs, UsageError } from "./args.ts";
import type { Command } from "./io.ts";

const HELP = `railyard miner run [--data-dir DIR]

run  one pass of the ritual miner now: reads the audit trail of the window (owner settings:
     runs, people, days), proposes a runbook patch for each pattern that repeated enough and is
     not already proposed or muted, and prints the result as JSON. The pass is recorded in the
     trail (miner.pass_completed) as the system. Exit 1 when another node is mining right now.
`;

/** `railyard miner run`: a one-off pass (the server runs the same pass in the background). */
export const minerCommand: Command = async (argv, io) => {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === "--help" || sub === "-h") {
    io.stdout(HELP);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== "run") {
    io.stderr(`railyard miner: unknown subcommand '${sub}'; use run (see railyard miner --help)\n`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseCommandArgs(rest, io, {});
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`railyard miner run: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (parsed.positional.length > 0) {
    io.stderr(`railyard miner run: unexpected argument ${parsed.positional[0]}\n`);
    return 2;
  }
  const { services } = await createServices({ config: parsed.config, logger: createLogger("warn") });
  try {
    const result = await createMinerWorker(services, `cli-${crypto.randomUUID()}`).runOnce({ force: true });
    if (!result) {
      io.stderr("railyard miner run: another node is mining right now; try again in a few minutes\n");
      return 1;
    }
    io.stdout(`${JSON.stringify({ found: result.found, proposed: result.proposed, windowDays: result.windowDays })}\n`);
    return 0;
  } catch (error) {
    if (error instanceof AppError) {
      io.stderr(`railyard miner run: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await services.store.close();
  }
};
