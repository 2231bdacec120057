import { Badge } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useOnline } from "../../lib/useOnline";
import { useStationCommands } from "../../lib/stationCommands";

/** Online or offline, the moment it changes, with how many station commands wait for the network. */
export function NetworkBadge() {
  const { t } = useTranslation();
  const online = useOnline();
  const waiting = useStationCommands().filter((e) => e.status === "pending" || e.status === "sending").length;
  return (
    <Badge
      size="lg"
      variant="filled"
      color={online ? "green.9" : "red.9"}
      data-testid="network-status"
      role="status"
      aria-live="polite"
    >
      {online ? t("station.online") : t("station.offline")}
      {waiting ? ` · ${t("station.waiting", { count: waiting })}` : ""}
    </Badge>
  );
}
