/** Which division a page opens on when its URL does not say (#10). Pure. */
import { divisionForChannel, type Division, type SiteMembership } from '../../core/divisions/division.js';

export interface DivisionChoice {
  /** null: every division (only for those who may see the whole ministry at once). */
  divisionCode: string | null;
  /** The divisions the picker offers. */
  options: Division[];
  /** Whether "all divisions" is offered. */
  allowAll: boolean;
  /** The channel whose division was chosen, when that decided it. */
  fromChannel: string | null;
}

/**
 * The division to show: the URL's, else the Teams channel's division (by channel id or name) when the user may read
 * it, else the user's first division, else all divisions. Members see their own divisions and, since divisions read
 * the whole ministry's table, every other one too; the secretariat and reviewers also get "all divisions".
 */
export function chooseDivision(requested: string | null | undefined, membership: SiteMembership, divisions: readonly Division[], channel: { id: string; displayName: string | null } | null): DivisionChoice {
  const options = [...divisions];
  const allowAll = membership.isSecretariat || membership.isReviewer || membership.divisions.length !== 1;
  const known = (code: string | null | undefined): code is string => typeof code === 'string' && options.some((d) => d.code === code);
  if (requested === null && allowAll) return { divisionCode: null, options, allowAll, fromChannel: null };
  if (known(requested)) return { divisionCode: requested, options, allowAll, fromChannel: null };
  const byChannel = divisionForChannel(options, channel);
  if (byChannel) return { divisionCode: byChannel.code, options, allowAll, fromChannel: channel?.displayName ?? byChannel.channelName };
  const own = membership.divisions[0];
  if (own) return { divisionCode: own.code, options, allowAll, fromChannel: null };
  return { divisionCode: allowAll ? null : (options[0]?.code ?? null), options, allowAll, fromChannel: null };
}
