import { createTheme, type MantineColorsTuple } from "@mantine/core";

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

export const theme = createTheme({
  primaryColor: "plant",
  primaryShade: 8,
  colors: { plant },
  fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif",
  defaultRadius: "sm",
  black: "#111418",
  fontSizes: { xs: "0.8rem", sm: "0.9rem", md: "1rem", lg: "1.2rem", xl: "1.45rem" },
  headings: { fontWeight: "700" },
  components: {
    Button: { defaultProps: { size: "md" } },
  },
});
