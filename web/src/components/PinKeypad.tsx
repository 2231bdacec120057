import { Button, SimpleGrid } from "@mantine/core";
import type { KeypadKey } from "../lib/takeover";

const KEYS: { key: KeypadKey; label: string; aria?: string }[] = [
  ..."123456789".split("").map((d) => ({ key: d as KeypadKey, label: d })),
  { key: "clear", label: "Clear", aria: "Clear the PIN" },
  { key: "0", label: "0" },
  { key: "back", label: "⌫", aria: "Delete the last digit" },
];

/** A large on-screen keypad for a PIN, usable with gloves (keys 96 px high). */
export function PinKeypad({ onKey, disabled }: { onKey: (key: KeypadKey) => void; disabled?: boolean }) {
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
          aria-label={k.aria ?? k.label}
          onClick={() => onKey(k.key)}
        >
          {k.label}
        </Button>
      ))}
    </SimpleGrid>
  );
}
