/**
 * Whether a Fluent Dialog should be in the tree, and where the focus goes when it closes (#10).
 *
 * Mounting: not before the dialog is first opened (a closed Dialog still sets up Tabster's modalizer). From then on
 * it stays mounted and closes through its `open` prop: a Dialog unmounted while open left the rest of the page
 * aria-hidden in Chromium (the e2e saw the grid vanish from the accessibility tree after the conflict chooser).
 *
 * Focus: the first Dialog of a page makes Tabster add two focus guards to <body> (aria-hidden `<i>` elements; its
 * ModalizerAPI calls `root.addDummyInputs()` and they stay for the page's life). They are tabbable (tabindex 0, so
 * axe reports `aria-hidden-focus`, serious) exactly while no element inside the page has the focus. Our dialogs are
 * opened by controlled state, not a DialogTrigger, so nothing told Tabster where to give the focus back: it fell to
 * <body> when the surface unmounted, which left the guards tabbable and a keyboard user at the top of the page
 * (WCAG 2.4.3). So the element that had the focus when the dialog opened gets it back when it closes, or, when that
 * element is gone (the conflict button disappears once the last conflict is resolved) or cannot take the focus (a
 * disabled button), the main region.
 */
import { useLayoutEffect, useRef, useState } from 'react';

/** Where the focus goes when the element that opened a dialog is no longer on the page. */
export const FOCUS_FALLBACK_ID = 'main';

export function useDialogMount(open: boolean): { mounted: boolean; open: boolean } {
  const [mounted, setMounted] = useState(open);
  if (open && !mounted) setMounted(true);
  const opener = useRef<HTMLElement | null>(null);
  const wasOpen = useRef(false);
  // A layout effect: it runs before the Dialog's own effects move the focus into the surface.
  useLayoutEffect(() => {
    if (open) {
      const active = document.activeElement;
      opener.current = active instanceof HTMLElement && active !== document.body ? active : null;
      wasOpen.current = true;
      return;
    }
    if (!wasOpen.current) return;
    wasOpen.current = false;
    const target = opener.current?.isConnected ? opener.current : null;
    opener.current = null;
    target?.focus({ preventScroll: true });
    // The opener may be gone or unable to take the focus (the sync button is disabled while the sync it started runs).
    if (!target || document.activeElement !== target) document.getElementById(FOCUS_FALLBACK_ID)?.focus({ preventScroll: true });
  }, [open]);
  return { mounted: open || mounted, open };
}
