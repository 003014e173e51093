/**
 * The question before signing out with unsaved drafts in this browser (#10, shared PCs): delete them and sign out, or
 * stay. Its own chunk (Fluent's Dialog is not needed for the first paint); closes through its `open` prop, mounted by
 * the caller with useDialogMount.
 */
import { Button, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle } from '@fluentui/react-components';

import type { Translate } from '../i18n/i18n.js';

export interface SignOutDraftsDialogProps {
  /** Rows with drafts; null: closed. */
  rows: number | null;
  t: Translate;
  onDeleteAndSignOut: () => void;
  onKeep: () => void;
  /** Open state from useDialogMount (defaults to whether rows is set). */
  open?: boolean;
}

export default function SignOutDraftsDialog({ rows, t, onDeleteAndSignOut, onKeep, open }: SignOutDraftsDialogProps) {
  return (
    <Dialog open={open ?? rows !== null} modalType="alert" onOpenChange={(_, d) => (d.open ? undefined : onKeep())}>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>{t('signout.draftsTitle')}</DialogTitle>
          <DialogContent>{t('signout.draftsBody', { count: rows ?? 0 })}</DialogContent>
          <DialogActions>
            <Button appearance="primary" onClick={onDeleteAndSignOut}>
              {t('signout.deleteAndSignOut')}
            </Button>
            <Button onClick={onKeep}>{t('signout.keep')}</Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
