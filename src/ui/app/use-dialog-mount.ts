/**
 * Whether a Fluent Dialog should be in the tree (#10). Not before it is first opened: a closed Dialog still sets up
 * its focus trap (Tabster's hidden focusable guards, which axe reports on every view). From then on it stays mounted
 * and closes through its `open` prop: a Dialog unmounted while open, or even after closing, left the rest of the page
 * aria-hidden in Chromium (the e2e saw the grid vanish from the accessibility tree after the conflict chooser).
 */
import { useState } from 'react';

export function useDialogMount(open: boolean): { mounted: boolean; open: boolean } {
  const [mounted, setMounted] = useState(open);
  if (open && !mounted) setMounted(true);
  return { mounted: open || mounted, open };
}
