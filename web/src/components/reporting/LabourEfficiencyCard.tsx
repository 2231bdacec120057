import { Card, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { pct, useLabourEfficiency, type Interval } from "../../api/reporting";

/** Labour efficiency of the operations completed in the interval: earned (standard) minutes / actual labour minutes. */
export function LabourEfficiencyCard({ iv }: { iv: Interval }) {
  const { t } = useTranslation();
  const labour = useLabourEfficiency(iv);
  const total = labour.data?.total;
  if (!total) return null;
  return (
    <Card padding="md" radius="md" withBorder data-testid="labour-efficiency">
      <Text size="sm" fw={700} c="gray.7" tt="uppercase">
        {t("reporting.labour.title")}
      </Text>
      <Text fz={40} fw={900} lh={1.1} data-testid="kpi-labour-efficiency">
        {pct(total.labour_efficiency)}
      </Text>
      <Text size="xs" c="gray.7" data-testid="labour-efficiency-hint">
        {t("reporting.labour.hint", {
          earned: total.earned_min.toFixed(0),
          actual: total.actual_min.toFixed(0),
          operations: total.operations,
        })}
      </Text>
      {total.operations_without_standard > 0 ? (
        <Text size="xs" c="gray.7" data-testid="labour-efficiency-excluded">
          {t("reporting.labour.excluded", { count: total.operations_without_standard })}
        </Text>
      ) : null}
    </Card>
  );
}
