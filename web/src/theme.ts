import { createTheme, DEFAULT_THEME, rem, type CSSVariablesResolver, type MantineColorsTuple } from "@mantine/core";

// A darker blue than Mantine's default, so white text on filled buttons passes WCAG AA.
const plant: MantineColorsTuple = [
  "#e7f0ff",
  "#cfdcfa",
  "#9db6f3",
  "#688eed",
  "#3d6ce7",
  "#2357e4",
  "#144ce4",
  "#043dcb",
  "#0036b6",
  "#002ea1",
];

/** A palette with its darkest shade replaced: the screens use `green.9`, `yellow.9`, `orange.9` for
 * filled badges, buttons and machine tiles with white text, and Mantine's own (#2b8a3e 4.4:1,
 * #e67700 3.0:1, #d9480f 4.3:1) are below 4.5:1 with white (ADR 0045). */
function darkest(name: "green" | "yellow" | "orange", shade9: string): MantineColorsTuple {
  const base = DEFAULT_THEME.colors[name];
  return [base[0], base[1], base[2], base[3], base[4], base[5], base[6], base[7], base[8], shade9];
}

/** The smallest tap target on the station and the board (ADR 0045: 48x48 CSS px, gloved hands). */
export const TAP_TARGET = 48;

export const theme = createTheme({
  primaryColor: "plant",
  primaryShade: 8,
  colors: {
    plant,
    green: darkest("green", "#237032"),
    yellow: darkest("yellow", "#9c4f00"),
    orange: darkest("orange", "#b33c0c"),
  },
  fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif",
  defaultRadius: "sm",
  black: "#111418",
  fontSizes: { xs: "0.8rem", sm: "0.9rem", md: "1rem", lg: "1.2rem", xl: "1.45rem" },
  headings: { fontWeight: "700" },
  components: {
    Button: { defaultProps: { size: "md" } },
    // the menu's entries and its burger are tapped on the floor's tablets too
    NavLink: { styles: { root: { minHeight: rem(TAP_TARGET) } } },
    Modal: { styles: { close: { minWidth: rem(TAP_TARGET), minHeight: rem(TAP_TARGET) } } },
    Burger: { styles: { root: { minWidth: rem(TAP_TARGET), minHeight: rem(TAP_TARGET) } } },
  },
});

/**
 * Text colours that must stay readable (WCAG 2.2 AA, 4.5:1 for normal text, ADR 0045): error
 * messages, helper/description and dimmed text, placeholders. Mantine's defaults are lighter
 * (gray-6 dimmed 3.3:1, red-6 error 3.3:1, gray-5 placeholder 2.1:1 on white). The ratios are
 * checked on the surfaces they sit on by theme.test.ts and on the screens by e2e/a11y.spec.ts.
 */
export const readable = {
  light: { error: "#c92a2a", dimmed: "#5c636a", placeholder: "#666d74" },
  dark: { error: "#ff8787", dimmed: "#a6a7ab", placeholder: "#a6a7ab" },
} as const;

/** The surfaces that text sits on: the page and cards (white / dark-7, dark-6) and the greys of
 * disabled inputs and hovered rows (gray-0, gray-1). */
export const surfaces = {
  light: ["#ffffff", "#f8f9fa", "#f1f3f5"],
  dark: ["#242424", "#2e2e2e"],
} as const;

export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    "--mantine-color-error": readable.light.error,
    "--mantine-color-dimmed": readable.light.dimmed,
    "--mantine-color-placeholder": readable.light.placeholder,
  },
  dark: {
    "--mantine-color-error": readable.dark.error,
    "--mantine-color-dimmed": readable.dark.dimmed,
    "--mantine-color-placeholder": readable.dark.placeholder,
  },
});
