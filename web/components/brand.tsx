/** The Railyard mark and name (a track with two stations). */
export function Brand() {
  return (
    <div class="brand">
      <span class="brand-mark" aria-hidden="true">
        <svg width="16" height="16" viewBox="0 0 16 16"><path d="M1 8h14" stroke="#fff" stroke-width="2" /><circle cx="4" cy="8" r="2.5" fill="#fff" /><circle cx="12" cy="8" r="2.5" fill="#fff" /></svg>
      </span>
      Railyard
    </div>
  );
}
