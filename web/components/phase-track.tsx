// The runbook's phases drawn as a line with stations: passed, current (highlighted), upcoming.
import type { Phase, RunStatus } from "../api.ts";

export function PhaseTrack({ phases, current, status, mini }: { phases: readonly Phase[]; current: string; status?: RunStatus; mini?: boolean }) {
  const at = phases.findIndex((p) => p.name === current);
  const finished = status === "completed";
  const label = `Phases: ${phases.map((p) => p.name).join(", ")}; ${finished ? "completed" : `current phase ${current}`}`;
  return (
    <div class={`track ${mini ? "mini" : ""}`} role="img" aria-label={label}>
      <ol>
        {phases.map((phase, i) => {
          const state = finished || i < at ? "passed" : i === at ? "current" : "upcoming";
          const extra = state === "current" ? (status === "blocked" || status === "failed" ? "blocked" : status === "awaiting_approval" ? "waiting" : "") : "";
          return (
            <li class={`station ${state} ${extra}`} key={phase.name} aria-current={state === "current" ? "step" : undefined} title={mini ? phase.name : undefined}>
              <span class="stop" aria-hidden="true" />
              {mini ? null : (
                <>
                  <span class="name">{phase.name}</span>
                  {phase.gate ? <span class="gate" title={`Entering needs approval by a ${phase.gate.minRole} or above`}>gate · {phase.gate.minRole}+</span> : null}
                </>
              )}
            </li>
          );
        })}
      </ol>
    </div>
  );
}
