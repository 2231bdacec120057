import { Button, SimpleGrid } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { KeypadKey } from "../lib/takeover";

// label and aria are catalogue keys for clear and back (keypad.*); digits show themselves
const KEYS: { key: KeypadKey; label: string; aria?: string; translated?: boolean }[] = [
  ..."123456789".split("").map((d) => ({ key: d as KeypadKey, label: d })),
  { key: "clear", label: "keypad.clear", aria: "keypad.clearPin", translated: true },
  { key: "0", label: "0" },
  { key: "back", label: "⌫", aria: "keypad.deleteDigit" },
];

/** A large on-screen keypad for a PIN, usable with gloves (keys 96 px high). */
export function PinKeypad({ onKey, disabled }: { onKey: (key: KeypadKey) => void; disabled?: boolean }) {
  const { t } = useTranslation();
  return (
    <SimpleGrid cols={3} spacing="md" data-testid="pin-keypad" maw={420} w="100%">
      {KEYS.map((k) => (
        <Button
          key={k.key}
          h={96}
          fz={k.label.length > 1 ? 26 : 40}
          fw={800}
          variant={k.key === "clear" || k.key === "back" ? "default" : "filled"}
          color="dark.7"
          disabled={disabled}
          aria-label={k.aria ? t(k.aria) : k.label}
          onClick={() => onKey(k.key)}
        >
          {k.translated ? t(k.label) : k.label}
        </Button>
      ))}
    </SimpleGrid>
  );
}
