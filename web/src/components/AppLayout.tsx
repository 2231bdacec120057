import { AppShell, Badge, Burger, Button, Group, NavLink, Stack, Text, Title } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { Link, NavLink as RouterNavLink, Outlet, useLocation } from "react-router";
import { session } from "../auth/session";
import { useSession } from "../auth/useSession";
import { STATION_IDLE_MS, useIdleSignOut } from "../lib/useIdleSignOut";
import { useTerminal } from "../lib/useTerminal";
import { menuItemFor, menuSections, visibleMenu } from "../nav/menu";
import { NetworkBadge } from "./station/NetworkBadge";

/** Header with who is signed in, a menu of what the user may use, and the page. */
export function AppLayout() {
  const { claims, perms } = useSession();
  const [opened, { toggle, close }] = useDisclosure(false);
  const location = useLocation();
  const items = visibleMenu(perms);
  const active = menuItemFor(location.pathname);
  const terminal = useTerminal();
  // a badge session (a shared terminal) or the station screen: sign out after inactivity
  const atStation = !!claims?.station;
  useIdleSignOut(STATION_IDLE_MS, atStation || location.pathname.startsWith("/station"));

  return (
    <AppShell
      header={{ height: atStation ? 88 : 64 }}
      navbar={{ width: 240, breakpoint: "md", collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header bg="dark.8" c="white">
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="md" color="white" size="md" aria-label="Menu" />
            <Title order={3} c="white">
              MES
            </Title>
            <NetworkBadge />
            {active ? (
              <Text c="gray.3" fw={600} visibleFrom="sm">
                {active.label}
              </Text>
            ) : null}
          </Group>
          {atStation ? (
            <Group gap="md" wrap="nowrap" data-testid="station-header">
              <Stack gap={0} align="flex-end">
                <Text fw={800} fz={26} lh={1.1} data-testid="signed-in-user">
                  {claims?.name}
                </Text>
                <Text c="gray.3" fw={600} data-testid="signed-in-how">
                  Badge sign-in at {claims?.station}
                </Text>
              </Stack>
              {terminal ? (
                <Button component={Link} to="/takeover" size="lg" h={64} variant="white" color="dark">
                  Take over
                </Button>
              ) : null}
              <Button size="lg" h={64} px={32} color="red.9" fz={22} onClick={() => void session.signOut()}>
                Sign out
              </Button>
            </Group>
          ) : (
            <Group gap="md" wrap="nowrap">
              <Stack gap={0} align="flex-end">
                <Text fw={700} data-testid="signed-in-user">
                  {claims?.name}
                </Text>
                <Group gap={4} visibleFrom="sm">
                  {claims?.roles.map((r) => (
                    <Badge key={r} size="xs" color="gray.6" variant="filled">
                      {r}
                    </Badge>
                  ))}
                </Group>
              </Stack>
              {terminal ? (
                <Button component={Link} to="/takeover" variant="outline" color="gray.0">
                  Take over
                </Button>
              ) : null}
              <Button variant="white" color="dark" onClick={() => void session.signOut()}>
                Sign out
              </Button>
            </Group>
          )}
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" aria-label="Main menu">
        <NavLink component={RouterNavLink} to="/" label="Home" end onClick={close} py="md" />
        {menuSections(items).map(([group, entries]) => (
          <Stack key={group ?? ""} gap={0}>
            {group ? (
              <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pt="md" pb={4}>
                {group}
              </Text>
            ) : null}
            {entries.map((item) => (
              <NavLink
                key={item.path}
                component={RouterNavLink}
                to={item.path}
                label={item.label}
                onClick={close}
                py={group ? "xs" : "md"}
                fw={600}
              />
            ))}
          </Stack>
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
