/**
 * Host theme kinds → Fluent UI v9 themes (style guide 11.2): the Teams themes in every host, so the tab, the task
 * pane and a plain browser look the same; contrast follows forced colors / Teams high contrast.
 */
// The theme package itself (what @fluentui/react-components re-exports): the same objects, without loading every component.
import { teamsDarkTheme, teamsHighContrastTheme, teamsLightTheme, type Theme } from '@fluentui/react-theme';

import type { HostTheme } from '../../hosts/host-bridge.js';

export const FLUENT_THEMES: Readonly<Record<HostTheme, Theme>> = {
  light: teamsLightTheme,
  dark: teamsDarkTheme,
  contrast: teamsHighContrastTheme,
};

export const fluentTheme = (theme: HostTheme): Theme => FLUENT_THEMES[theme];
