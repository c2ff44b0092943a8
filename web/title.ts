// The tab title: the page's name, with the number of checkpoints waiting for a person in front
// ("(3) Approvals · Railyard"), so a team lead sees it from another tab.
let page = "Railyard";
let pending = 0;

function apply(): void {
  document.title = `${pending > 0 ? `(${pending}) ` : ""}${page === "Railyard" ? page : `${page} · Railyard`}`;
}

/** The current screen's name (PageHeader calls it). */
export function setPageTitle(title: string): void {
  page = title;
  apply();
}

/** The pending-checkpoint count the shell keeps (0 when signed out). */
export function setPendingCount(count: number): void {
  pending = count;
  apply();
}
