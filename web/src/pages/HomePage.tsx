import { Card, SimpleGrid, Text, Title, Stack } from "@mantine/core";
import { Link } from "react-router";
import { useSession } from "../auth/useSession";
import { visibleMenu } from "../nav/menu";

export function HomePage() {
  const { claims, perms } = useSession();
  const items = visibleMenu(perms);
  return (
    <Stack>
      <Title order={2}>Hello, {claims?.name}</Title>
      {items.length === 0 ? (
        <Text size="lg">Your role has no screens here yet. Ask an administrator for the permissions you need.</Text>
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
          {items.map((item) => (
            <Card key={item.path} component={Link} to={item.path} withBorder padding="xl" shadow="xs">
              <Title order={3}>{item.label}</Title>
              <Text c="gray.8" mt="xs">
                {item.description}
              </Text>
            </Card>
          ))}
        </SimpleGrid>
      )}
    </Stack>
  );
}
