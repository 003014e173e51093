import { Badge, Button, makeStyles, Text, tokens } from '@fluentui/react-components';

import type { SiteMembership } from '../../../core/divisions/division.js';
import type { Translate } from '../../i18n/i18n.js';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  line: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalS },
  name: { fontWeight: tokens.fontWeightSemibold },
});

export interface SignedInUserProps {
  /** The name the host or the token gives (shown before the site's membership is known). */
  displayName: string;
  membership: SiteMembership | null;
  t: Translate;
  onSignOut?: () => void;
}

/** Who is signed in and what they may do here: roles and divisions from the site's data (#10). */
export function SignedInUser({ displayName, membership, t, onSignOut }: SignedInUserProps) {
  const s = useStyles();
  const roles: string[] = [];
  if (membership?.isSecretariat) roles.push(t('role.secretariat'));
  if (membership?.isReviewer) roles.push(t('role.reviewer'));
  if (membership && membership.divisions.length > 0) roles.push(t('role.divisionMember'));
  const can: string[] = [];
  if (membership?.isSecretariat) can.push(t('can.secretariat'));
  if (membership?.isReviewer) can.push(t('can.reviewer'));
  if (membership && membership.divisions.length > 0) can.push(t('can.division', { divisions: membership.divisions.map((d) => d.name).join('、') }));
  if (membership && can.length === 0) can.push(t('can.none'));
  return (
    <section className={s.root} aria-label={t('user.signedInAs')} data-testid="signed-in-user">
      <div className={s.line}>
        <Text>{t('user.signedInAs')}:</Text>
        <Text className={s.name}>{displayName}</Text>
        {onSignOut ? (
          <Button size="small" appearance="subtle" onClick={onSignOut}>
            {t('signout.button')}
          </Button>
        ) : null}
      </div>
      {membership ? (
        <>
          <div className={s.line}>
            <Text>{t('user.roles')}:</Text>
            {roles.length === 0 ? <Text>{t('role.none')}</Text> : roles.map((r) => <Badge key={r} appearance="outline">{r}</Badge>)}
          </div>
          <div className={s.line}>
            <Text>{t('user.divisions')}:</Text>
            <Text>{membership.divisions.length === 0 ? t('user.noDivision') : membership.divisions.map((d) => d.name).join('、')}</Text>
          </div>
          <Text size={200}>{can.join(' ')}</Text>
        </>
      ) : null}
    </section>
  );
}
