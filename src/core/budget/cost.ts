import type { ModelPrice } from "../setting/schemas.ts";
import type { ModelUsageRow } from "./queries.ts";

/** The money a model's tokens cost at the owner's prices (null: no price set for the model). */
export function costOf(row: ModelUsageRow, prices: readonly ModelPrice[]): number | null {
  const price = prices.find((p) => p.model === row.model);
  if (!price) return null;
  const cost = (row.inputTokens * price.inputPerMillion + row.outputTokens * price.outputPerMillion + row.cacheTokens * price.cachePerMillion) / 1_000_000;
  // Cents and below: rounded to 1/10000 so sums do not show float noise.
  return Math.round(cost * 10_000) / 10_000;
}
