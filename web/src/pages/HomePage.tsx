import { Card, SimpleGrid, Text, Title, Stack } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useSession } from "../auth/useSession";
import { visibleMenu } from "../nav/menu";

export function HomePage() {
  const { t } = useTranslation();
  const { claims, perms } = useSession();
  const items = visibleMenu(perms);
  return (
    <Stack>
      <Title order={2}>{t("home.hello", { name: claims?.name })}</Title>
      {items.length === 0 ? (
        <Text size="lg">{t("home.noScreens")}</Text>
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
          {items.map((item) => (
            <Card key={item.path} component={Link} to={item.path} withBorder padding="xl" shadow="xs">
              <Title order={3}>{t(`menu.items.${item.path}.label`)}</Title>
              <Text c="gray.8" mt="xs">
                {t(`menu.items.${item.path}.description`)}
              </Text>
            </Card>
          ))}
        </SimpleGrid>
      )}
    </Stack>
  );
}
