// Lint of the translated screens (docs/adr/0031-languages.md): the app shell, the operator station
// and the supervisor board may show no literal text; every string goes through i18next (t()).
import i18next from "eslint-plugin-i18next";
import tseslint from "typescript-eslint";

export const TRANSLATED = [
  "src/components/AppLayout.tsx",
  "src/pages/HomePage.tsx",
  "src/pages/BoardPage.tsx",
  "src/pages/StationPage.tsx",
  "src/components/ReasonDialog.tsx",
  "src/components/station/NetworkBadge.tsx",
  "src/components/station/DispatchCard.tsx",
  "src/components/station/LabourBox.tsx",
  "src/components/station/MachineBox.tsx",
  "src/components/station/YieldForm.tsx",
  "src/components/station/ConsumeBox.tsx",
  "src/components/station/StepsPanel.tsx",
  "src/components/station/StepsField.tsx",
  "src/components/station/LabelPanel.tsx",
  "src/components/station/PendingCommands.tsx",
  "src/components/quality/DueInspections.tsx",
  "src/components/reporting/LabourEfficiencyCard.tsx",
  "src/components/PinKeypad.tsx",
  "src/components/ScanField.tsx",
  "src/components/ProblemAlert.tsx",
  "src/pages/SignInPage.tsx",
  "src/pages/TakeoverPage.tsx",
];

export default [
  {
    files: TRANSLATED,
    languageOptions: { parser: tseslint.parser, parserOptions: { ecmaFeatures: { jsx: true } } },
    plugins: { i18next },
    rules: {
      "i18next/no-literal-string": [
        "error",
        {
          mode: "jsx-only",
          "jsx-attributes": {
            include: ["label", "title", "placeholder", "aria-label", "description", "confirmLabel", "alt"],
          },
        },
      ],
    },
  },
];
