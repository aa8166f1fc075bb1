// Every patch id the workflows pass to patched(): runs recorded before a change replay on the old
// path, new runs take the new one. One entry per patch; `deprecateWhen` says when the old path can
// go (deprecatePatch, then removal). Deterministic workflow code.
export const PATCHES = {
  // ---- i23: evidence that outlives Temporal ----
  /** Every run stores its evidence (workflows/evidence.ts) before it closes. */
  evidenceStore: {
    id: 'evidence-store',
    since: '0.2.0',
    deprecateWhen: 'no open run started before 0.2.0',
  },
  // ---- end i23 ----
} as const;
